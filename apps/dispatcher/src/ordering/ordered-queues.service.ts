import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import { parseEndpointSubject, STREAMS, subjects } from '@hookstream/contracts';
import { ConsumerRunner, JETSTREAM_MANAGER } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import { AttemptRunner } from '../delivery/attempt-runner.service';
import { RoutingService } from '../routing/routing.service';
import { leaseStanding } from './lease.policy';
import { orderedDurableOf, OrderedQueue, type OrderedQueueDeps } from './ordered-queue.consumer';
import { OrderingLeases, type Lease } from './ordering-leases.service';
import { DISPATCHER_LOGGER } from '../dispatcher.tokens';

const TICK_MS = 1_000;
/** How often queues nobody here owns are looked for and their leases tried. */
const CLAIM_MS = 3_000;

interface Owned {
  queue: OrderedQueue;
  lease: Lease;
  renewedAtMs: number;
}

export const queueLeaseOf = (subscriptionId: string): string => `queue.${subscriptionId}`;

/**
 * Which ordered queues this replica runs. Every replica tries to take the lease of each queue
 * that has work: the subscriptions with `ordering: "subject"` and any subject with entries on
 * ORDERED (left by a subscription since deleted or made unordered). A held lease is renewed; one
 * lost, or not renewed in time, stops its queue at once; a queue with nothing left whose
 * subscription is no longer ordered is stopped and its lease given back.
 */
@Injectable()
export class OrderedQueues {
  private readonly owned = new Map<string, Owned>();
  private readonly busy = new Set<string>();
  private readonly deps: OrderedQueueDeps;
  private ticker?: NodeJS.Timeout;
  private lastClaimMs = 0;
  private stopping = false;

  constructor(
    runner: ConsumerRunner,
    attempts: AttemptRunner,
    leases: OrderingLeases,
    private readonly routing: RoutingService,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.deps = { runner, jsm, attempts, leases, logger };
  }

  async start(): Promise<void> {
    await this.claim();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  get running(): number {
    return this.owned.size;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    await Promise.all(
      [...this.owned.keys()].map((subscriptionId) => this.drop(subscriptionId, true, graceMs)),
    );
  }

  private tick(): void {
    if (this.stopping) return;
    const nowMs = Date.now();
    if (nowMs - this.lastClaimMs >= CLAIM_MS) void this.claim();
    for (const [subscriptionId, owned] of this.owned) {
      const standing = leaseStanding(nowMs, owned.renewedAtMs);
      if (standing === 'lost') {
        this.logger.warn({ subscriptionId }, 'ordered queue lease not renewed in time; stopping it');
        void this.drop(subscriptionId, false, 0);
      } else if (standing === 'renew') void this.renew(subscriptionId, owned);
    }
  }

  private async renew(subscriptionId: string, owned: Owned): Promise<void> {
    if (!this.exclusive(subscriptionId)) return;
    try {
      const renewed = await this.deps.leases.renew(owned.lease);
      if (!renewed) {
        this.logger.warn({ subscriptionId }, 'ordered queue lease lost; stopping it');
        this.busy.delete(subscriptionId);
        return await this.drop(subscriptionId, false, 0);
      }
      owned.lease = renewed;
      owned.renewedAtMs = Date.now();
      if (owned.queue.held === 0 && !this.ordered(subscriptionId) && (await this.empty(subscriptionId))) {
        this.busy.delete(subscriptionId);
        await this.drop(subscriptionId, true, 0);
      }
    } catch (error) {
      this.logger.debug({ err: error, subscriptionId }, 'ordered queue lease not renewed');
    } finally {
      this.busy.delete(subscriptionId);
    }
  }

  /** Tries the lease of every queue with work that is not run here. */
  private async claim(): Promise<void> {
    this.lastClaimMs = Date.now();
    const wanted = new Map<string, string>();
    for (const route of this.routing.table.routes())
      if (route.state.ordering === 'subject') wanted.set(route.id, route.organizationId);
    try {
      const info = await this.jsm.streams.info(STREAMS.ordered, { subjects_filter: subjects.allOrdered() });
      for (const subject of Object.keys(info.state.subjects ?? {})) {
        const parsed = parseEndpointSubject(subject);
        if (parsed) wanted.set(parsed.subscriptionId, parsed.organizationId);
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'ordered queues not scanned');
    }
    await Promise.all(
      [...wanted].map(async ([subscriptionId, organizationId]) => {
        if (this.stopping || this.owned.has(subscriptionId) || !this.exclusive(subscriptionId)) return;
        try {
          const lease = await this.deps.leases.acquire(queueLeaseOf(subscriptionId));
          if (!lease) return;
          const queue = new OrderedQueue(this.deps, organizationId, subscriptionId);
          this.owned.set(subscriptionId, { queue, lease, renewedAtMs: Date.now() });
          await queue.start();
          this.logger.info({ subscriptionId }, 'ordered queue started');
        } catch (error) {
          this.logger.warn({ err: error, subscriptionId }, 'ordered queue not started');
        } finally {
          this.busy.delete(subscriptionId);
        }
      }),
    );
  }

  private async drop(subscriptionId: string, release: boolean, graceMs: number): Promise<void> {
    const owned = this.owned.get(subscriptionId);
    if (!owned) return;
    this.owned.delete(subscriptionId);
    await owned.queue.stop(graceMs);
    if (!release) return;
    // Emptied and no longer ordered: nothing of it stays behind (a new entry recreates it).
    if (!this.stopping)
      await this.jsm.consumers.delete(STREAMS.ordered, orderedDurableOf(subscriptionId)).catch(() => false);
    await this.deps.leases.release(owned.lease);
  }

  private ordered(subscriptionId: string): boolean {
    const found = this.routing.table.lookup(subscriptionId);
    return found.kind === 'found' && found.route.state.ordering === 'subject';
  }

  private async empty(subscriptionId: string): Promise<boolean> {
    const info = await this.jsm.consumers.info(STREAMS.ordered, orderedDurableOf(subscriptionId));
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  /** One lease operation per queue at a time. */
  private exclusive(subscriptionId: string): boolean {
    if (this.busy.has(subscriptionId)) return false;
    this.busy.add(subscriptionId);
    return true;
  }
}
