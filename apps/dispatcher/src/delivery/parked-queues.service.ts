import { Injectable } from '@nestjs/common';
import { parkedMessageId, subjects, type DispatchRef, type ParkedEntry } from '@hookstream/contracts';
import { Publisher } from '@hookstream/messaging';
import { DispatcherMetrics } from '../dispatcher.metrics';

/** Where an attempt's dispatch is stored and when the attempt is due: what a park entry needs. */
export interface AttemptSource {
  /** DELIVERIES sequence of the `created` or `attempted` fact carrying the dispatch. */
  factSeq: number;
  dueAt: string;
  firstDueAt: string;
}

/**
 * The endpoints' own queues on PARKED, one subject per subscription. A subscription with entries
 * there is "queued" and its queue is drained. It is also "backlogged" when its entries wait for an
 * endpoint that failed (or for retries over their share): its new work then joins the end of the
 * queue rather than overtaking it, so the backlog is delivered in order and at the endpoint's own
 * pace. What overflowed a busy endpoint that keeps answering does not hold its new work back.
 * Only these sets of subscriptions are held in memory; the dispatches themselves stay on the streams.
 */
@Injectable()
export class ParkedQueues {
  private readonly queued = new Map<string, { organizationId: string }>();
  private readonly backlogged = new Set<string>();
  /** Called when a subscription's queue gets entries as far as this process knows, so it is drained. */
  onQueued: (organizationId: string, subscriptionId: string) => void = () => undefined;

  constructor(
    private readonly publisher: Publisher,
    private readonly metrics: DispatcherMetrics,
  ) {}

  /** Stores the entry; the caller acknowledges its own message only after this resolves. */
  async park(ref: DispatchRef, attempt: number, source: AttemptSource, why: ParkReason): Promise<void> {
    const entry: ParkedEntry = {
      version: 1,
      factSeq: source.factSeq,
      ref: refOnly(ref),
      attempt,
      dueAt: source.dueAt,
      firstDueAt: source.firstDueAt,
      parkedAt: new Date().toISOString(),
    };
    await this.publisher.publish(subjects.parked(ref.organizationId, ref.subscriptionId), entry, {
      msgId: parkedMessageId(ref.dispatchId, ref.round, attempt),
    });
    this.metrics.parked.inc({ reason: why });
    this.markQueued(ref.organizationId, ref.subscriptionId, why !== 'saturated');
  }

  hasBacklog(subscriptionId: string): boolean {
    return this.backlogged.has(subscriptionId);
  }

  /** The queue has entries; with `backlog`, new work of the subscription joins its end until it is empty. */
  markQueued(organizationId: string, subscriptionId: string, backlog: boolean): void {
    if (backlog) this.backlogged.add(subscriptionId);
    if (this.queued.has(subscriptionId)) return;
    this.queued.set(subscriptionId, { organizationId });
    this.onQueued(organizationId, subscriptionId);
  }

  /**
   * The queue's drain has taken its last entry: new work takes the direct path again, while the
   * few entries still in the drain's hands finish. Under steady traffic a queue is never found
   * empty, so this, not emptiness, is what ends a backlog.
   */
  caughtUp(subscriptionId: string): void {
    this.backlogged.delete(subscriptionId);
  }

  /** The queue was found empty: new work for the subscription takes the direct path again. */
  clearQueued(subscriptionId: string): void {
    this.queued.delete(subscriptionId);
    this.backlogged.delete(subscriptionId);
  }
}

/** Why a dispatch was parked; only `saturated` leaves the endpoint's new work on the direct path. */
export type ParkReason = 'circuit_open' | 'backlog' | 'saturated' | 'retry_share' | 'throttled';

function refOnly(ref: DispatchRef): DispatchRef {
  const { dispatchId, round, organizationId, subscriptionId, eventId, eventType, test } = ref;
  return { dispatchId, round, organizationId, subscriptionId, eventId, eventType, test };
}
