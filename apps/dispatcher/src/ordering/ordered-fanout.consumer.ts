import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import {
  deliveryFactMessage,
  EventCatalog,
  orderedMessageId,
  refOfDispatch,
  orderingKeyOf,
  STREAMS,
  subjects,
  type OrderedEntry,
} from '@hookstream/contracts';
import { ConsumerRunner, JETSTREAM_MANAGER, Publisher, type OrderedStream } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import type { DispatcherConfig } from '../dispatcher.config';
import { DispatcherMetrics } from '../dispatcher.metrics';
import {
  checkEvent,
  eventCheckDeps,
  mayBeOrdered,
  type EventCheckDeps,
} from '../fanout/fanout-check.decision';
import { planStoredEvent } from '../fanout/fanout.plan';
import { RoutingService } from '../routing/routing.service';
import { leaseStanding } from './lease.policy';
import { OrderingLeases, type Lease } from './ordering-leases.service';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

export const SEQUENCER_LEASE = 'sequencer';
const TICK_MS = 1_000;

/**
 * The fan-out of subscriptions delivered in order per key. One replica at a time (the holder of
 * the `sequencer` lease) reads EVENTS in stream order, one event after the other, and for every
 * ordered subscription the event is for stores its `dispatch.created` fact and then its entry on
 * the subscription's ORDERED subject: so each subscription's entries are in EVENTS order whatever
 * the replicas and crashes. Its position is checkpointed every second; a new holder starts over
 * from the checkpoint, and what it repeats is stored once (same message ids).
 */
@Injectable()
export class OrderedFanout {
  private readonly catalog = new EventCatalog();
  private readonly deps: EventCheckDeps;
  private lease: Lease | null = null;
  private renewedAtMs = 0;
  private stream?: OrderedStream;
  private position = 0;
  private saved = 0;
  private ticker?: NodeJS.Timeout;
  private busy = false;
  private stopping = false;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly publisher: Publisher,
    private readonly routing: RoutingService,
    private readonly leases: OrderingLeases,
    private readonly metrics: DispatcherMetrics,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.deps = eventCheckDeps(this.catalog, this.routing, config.maxEventBytes);
  }

  /** Takes the lease when it is free (awaited once, so a first start has its checkpoint). */
  async start(): Promise<void> {
    await this.tick();
    this.ticker = setInterval(() => void this.tick(), TICK_MS);
    this.ticker.unref();
  }

  get sequencing(): boolean {
    return this.lease !== null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.giveUp(true);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopping) return;
    this.busy = true;
    try {
      if (this.lease === null) {
        const lease = await this.leases.acquire(SEQUENCER_LEASE);
        if (lease) await this.begin(lease);
        return;
      }
      const standing = leaseStanding(Date.now(), this.renewedAtMs);
      if (standing === 'lost') return await this.giveUp(false);
      if (standing === 'renew') {
        const renewed = await this.leases.renew(this.lease);
        if (!renewed) return await this.giveUp(false);
        this.lease = renewed;
        this.renewedAtMs = Date.now();
      }
      await this.saveCheckpoint();
    } catch (error) {
      this.logger.warn({ err: error }, 'ordered fan-out lease not kept');
    } finally {
      this.busy = false;
    }
  }

  private async begin(lease: Lease): Promise<void> {
    this.lease = lease;
    this.renewedAtMs = Date.now();
    let from = await this.leases.checkpoint();
    if (from === null) {
      // The first sequencer ever starts with the events stored from now on.
      from = (await this.jsm.streams.info(STREAMS.events)).state.last_seq;
      await this.leases.saveCheckpoint(from);
    }
    this.position = from;
    this.saved = from;
    this.logger.info({ from }, 'ordered fan-out started');
    this.stream = this.runner.ordered({
      stream: STREAMS.events,
      filterSubject: subjects.allEvents(),
      startSeq: from + 1,
      onMessage: (msg) => this.handle(msg),
    });
  }

  private async giveUp(release: boolean): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const stream = this.stream;
    this.stream = undefined;
    await stream?.stop();
    if (release) {
      await this.saveCheckpoint().catch(() => undefined);
      await this.leases.release(lease);
    }
    this.lease = null;
    this.logger.info({ position: this.position }, 'ordered fan-out stopped');
  }

  private async saveCheckpoint(): Promise<void> {
    if (this.position === this.saved || this.lease === null) return;
    const position = this.position;
    await this.leases.saveCheckpoint(position);
    this.saved = position;
  }

  /** One event at a time, in stream order; a throw is retried on the same event by the stream. */
  private async handle(msg: JsMsg): Promise<void> {
    if (this.lease === null) throw new Error('the sequencer lease is not held');
    // Most events are for no ordered subscription: they cost a lookup, not a decode.
    if (!mayBeOrdered(msg.subject, this.deps)) {
      this.position = msg.seq;
      return;
    }
    const check = checkEvent(msg.subject, msg.data, this.deps);
    // Rejections are the shared fan-out's to record.
    const routes = check.ok ? check.routes.filter((route) => route.state.ordering === 'subject') : [];
    if (check.ok && routes.length > 0) {
      const plan = planStoredEvent(check.envelope, routes, msg, this.logger);
      const key = orderingKeyOf(check.envelope);
      await Promise.all(
        plan.facts.map(async (planned) => {
          const fact = { ...planned, data: { ...planned.data, orderingKey: key } };
          const { subject, payload, msgId, headers } = deliveryFactMessage(fact);
          const stored = await this.publisher.publish(subject, payload, { msgId, headers });
          const entry: OrderedEntry = {
            version: 1,
            factSeq: stored.seq,
            ref: refOfDispatch(fact.data),
            key,
            eventSeq: msg.seq,
          };
          await this.publisher.publish(
            subjects.ordered(fact.data.organizationId, fact.data.subscriptionId),
            entry,
            {
              msgId: orderedMessageId(fact.data.dispatchId, fact.data.round),
            },
          );
        }),
      );
      this.metrics.dispatchesCreated.inc(plan.facts.length);
    }
    this.position = msg.seq;
  }
}
