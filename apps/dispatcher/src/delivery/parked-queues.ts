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
 * there is "backlogged": its new work joins the end of its queue rather than overtaking it, so
 * the backlog is delivered in order and at the endpoint's own pace. Only the set of backlogged
 * subscriptions is held in memory; the dispatches themselves stay on the streams.
 */
@Injectable()
export class ParkedQueues {
  private readonly backlogged = new Map<string, { organizationId: string }>();
  /** Called when a subscription becomes backlogged in this process, so its queue is drained. */
  onBacklog: (organizationId: string, subscriptionId: string) => void = () => undefined;

  constructor(
    private readonly publisher: Publisher,
    private readonly metrics: DispatcherMetrics,
  ) {}

  /** Stores the entry; the caller acknowledges its own message only after this resolves. */
  async park(ref: DispatchRef, attempt: number, source: AttemptSource, why: string): Promise<void> {
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
    this.markBacklog(ref.organizationId, ref.subscriptionId);
  }

  hasBacklog(subscriptionId: string): boolean {
    return this.backlogged.has(subscriptionId);
  }

  markBacklog(organizationId: string, subscriptionId: string): void {
    if (this.backlogged.has(subscriptionId)) return;
    this.backlogged.set(subscriptionId, { organizationId });
    this.onBacklog(organizationId, subscriptionId);
  }

  /** The queue was found empty: new work for the subscription takes the direct path again. */
  clearBacklog(subscriptionId: string): void {
    this.backlogged.delete(subscriptionId);
  }

  get size(): number {
    return this.backlogged.size;
  }
}

function refOnly(ref: DispatchRef): DispatchRef {
  const { dispatchId, round, organizationId, subscriptionId, eventId, eventType, test } = ref;
  return { dispatchId, round, organizationId, subscriptionId, eventId, eventType, test };
}
