import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import {
  decodeDeliveryFact,
  decodeParkedEntry,
  parseEndpointSubject,
  STREAMS,
  subjects,
} from '@hookstream/contracts';
import {
  ConsumerRunner,
  ensureDurableConsumer,
  JETSTREAM,
  JETSTREAM_MANAGER,
  Outcome,
  settle,
  storedMessage,
  type DurableConsumerSpec,
  type HandlerContext,
  type HandlerOutcome,
  type RunningConsumer,
} from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import type { DispatcherConfig } from '../dispatcher.config';
import type { Route } from '../routing/route.state';
import { RoutingService } from '../routing/routing.service';
import { AttemptRunner } from './attempt-runner.service';
import { drainAction, scheduleEndsAtMs } from './drain.policy';
import { EndpointCircuits } from './endpoint-circuits.service';
import { ParkedQueues } from './parked-queues.service';
import { Throttle } from './throttle.service';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

const TICK_MS = 250;
const SCAN_MS = 5_000;
/** A queue whose loop saw nothing for this long is checked for emptiness. */
const IDLE_MS = 1_000;
/** Entries of one queue held unacknowledged at once: due-later retries wait here, per endpoint. */
const QUEUE_MAX_ACK_PENDING = 1_000;
/** Expired entries a probe may clear before it sends its one request. */
const PROBE_SKIP_LIMIT = 500;

interface Drain {
  organizationId: string;
  subscriptionId: string;
  loop?: RunningConsumer;
  checking?: boolean;
  probing?: boolean;
}

export const parkedDurableOf = (subscriptionId: string): string => `parked_${subscriptionId}`;

/**
 * Drains the endpoints' parked queues: a durable consumer per backlogged subscription, pulling at
 * the endpoint's own concurrency while its circuit is closed, one probe at a time while it is
 * open, and removed once the queue is empty. Nothing here grows with the size of a backlog.
 */
@Injectable()
export class ParkedDrains {
  private readonly drains = new Map<string, Drain>();
  private ticker?: NodeJS.Timeout;
  private lastScanMs = 0;
  private stopping = false;

  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly queues: ParkedQueues,
    private readonly circuits: EndpointCircuits,
    private readonly routing: RoutingService,
    private readonly attempts: AttemptRunner,
    private readonly throttle: Throttle,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    queues.onQueued = (organizationId, subscriptionId) => this.track(organizationId, subscriptionId);
    // An endpoint answering again first gets its queue, in order, before any new work.
    circuits.onClosed = ({ organizationId, subscriptionId }) => {
      this.queues.markQueued(organizationId, subscriptionId, true);
      this.tick();
    };
  }

  async start(): Promise<void> {
    await this.scan();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  get draining(): number {
    return this.drains.size;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    await Promise.all(
      [...this.drains.values()].flatMap((drain) => (drain.loop ? [drain.loop.stop(graceMs)] : [])),
    );
  }

  private track(organizationId: string, subscriptionId: string): void {
    if (this.stopping || this.drains.has(subscriptionId)) return;
    this.drains.set(subscriptionId, { organizationId, subscriptionId });
  }

  private tick(): void {
    if (this.stopping) return;
    const nowMs = Date.now();
    if (nowMs - this.lastScanMs >= SCAN_MS) void this.scan();
    for (const drain of this.drains.values()) {
      const found = this.routing.table.lookup(drain.subscriptionId);
      const route = found.kind === 'found' ? found.route : null;
      const action = drainAction({
        routeKnown: found.kind !== 'unknown',
        deliverable: route !== null && route.active && route.problem === null,
        circuitOpen: this.circuits.isOpen(drain.subscriptionId),
        probeAllowed: () => this.circuits.takeProbe(drain.subscriptionId, nowMs),
      });
      if (action === 'drain') this.run(drain, route);
      else this.hold(drain);
      if (action === 'probe') void this.probe(drain);
      const status = drain.loop?.status();
      const idle = status !== undefined && status.inFlight === 0;
      const quiet = (status?.lastMessageAt?.getTime() ?? 0) < nowMs - IDLE_MS;
      if (action === 'drain' && idle && quiet) void this.checkEmpty(drain);
    }
  }

  private run(drain: Drain, route: Route | null): void {
    if (drain.loop) return;
    // A throttled endpoint's queue takes what its rate sends in a moment, not a crowd of waiters.
    const concurrency = route
      ? this.throttle.drainConcurrency(route, this.config.endpointConcurrency)
      : this.config.endpointConcurrency;
    drain.loop = this.consumers.start({
      ...this.queueSpec(drain),
      concurrency,
      maxBuffered: Math.min(concurrency, 32),
      handler: (msg, context) => this.handle(msg, context),
    });
  }

  private hold(drain: Drain): void {
    const loop = drain.loop;
    if (!loop) return;
    drain.loop = undefined;
    // What it buffered goes back to the queue at once, in order.
    void loop.stop(0);
  }

  /** One request to an open endpoint: the oldest entry still within its schedule. */
  private async probe(drain: Drain): Promise<void> {
    if (drain.probing) return;
    drain.probing = true;
    try {
      const consumer = await this.js.consumers.get(STREAMS.parked, await this.ensureConsumer(drain));
      for (let skipped = 0; skipped < PROBE_SKIP_LIMIT && !this.stopping; skipped++) {
        const msg = await consumer.next({ expires: 1_000 });
        if (!msg) return;
        const context: HandlerContext = {
          working: () => msg.working(),
          deliveryCount: msg.info.deliveryCount,
        };
        const { outcome, sent } = await this.process(msg, context, true);
        settle(msg, outcome, { termReason: false });
        // Entries that ended without a request (expired, not yet due) do not count as the probe.
        if (sent) return;
      }
    } catch (error) {
      this.logger.warn({ err: error, subscriptionId: drain.subscriptionId }, 'probe not sent');
    } finally {
      drain.probing = false;
      this.circuits.probeFinished(drain.subscriptionId);
    }
  }

  private async handle(msg: JsMsg, context: HandlerContext): Promise<HandlerOutcome> {
    const { outcome } = await this.process(msg, context, false);
    // Nothing left behind this entry: the backlog has been taken, new work goes direct again.
    const parsed = msg.info.pending === 0 ? parseEndpointSubject(msg.subject) : undefined;
    if (parsed && !this.circuits.isOpen(parsed.subscriptionId)) this.queues.caughtUp(parsed.subscriptionId);
    return outcome;
  }

  private async process(
    msg: JsMsg,
    context: HandlerContext,
    probe: boolean,
  ): Promise<{ outcome: HandlerOutcome; sent: boolean }> {
    const entry = decodeParkedEntry(msg.data);
    if (!entry) return { outcome: Outcome.term('not a parked entry'), sent: false };
    const nowMs = Date.now();
    const due = Date.parse(entry.dueAt);
    if (due > nowMs) return { outcome: Outcome.nak(due - nowMs), sent: false };
    const route = this.routing.table.lookup(entry.ref.subscriptionId);
    const schedule =
      (route.kind === 'found' ? route.route.retryScheduleMs : null) ?? this.config.retryScheduleMs;
    // While the endpoint is unavailable its oldest entries end on schedule, as if each retry had failed.
    if (probe && nowMs > scheduleEndsAtMs(entry, schedule)) {
      const why = 'the retry schedule ended while the endpoint was unavailable';
      return { outcome: await this.attempts.expire(entry.ref, why), sent: false };
    }
    const stored = await this.fact(entry.factSeq);
    const dispatch =
      stored?.type === 'dispatch.created'
        ? stored.data
        : stored?.type === 'dispatch.attempted'
          ? stored.data.dispatch
          : null;
    if (!dispatch || dispatch.dispatchId !== entry.ref.dispatchId) {
      const why = 'the dispatch is no longer in the delivery log';
      return { outcome: await this.attempts.expire(entry.ref, why), sent: false };
    }
    return { outcome: await this.attempts.runParked(dispatch, entry.attempt, context, probe), sent: true };
  }

  private async fact(seq: number) {
    const stored = await storedMessage(this.jsm, STREAMS.deliveries, { seq });
    return stored ? decodeDeliveryFact(stored.data) : undefined;
  }

  private async ensureConsumer(drain: Drain): Promise<string> {
    const spec = this.queueSpec(drain);
    await ensureDurableConsumer(this.jsm, spec, this.logger);
    return spec.durable;
  }

  private queueSpec(drain: Drain): DurableConsumerSpec {
    return {
      stream: STREAMS.parked,
      durable: parkedDurableOf(drain.subscriptionId),
      filterSubject: subjects.parked(drain.organizationId, drain.subscriptionId),
      ackWaitMs: 30_000,
      maxAckPending: QUEUE_MAX_ACK_PENDING,
    };
  }

  /** An empty queue: its consumer is removed and new work takes the direct path again. */
  private async checkEmpty(drain: Drain): Promise<void> {
    if (drain.checking) return;
    drain.checking = true;
    try {
      const info = await this.jsm.consumers.info(STREAMS.parked, parkedDurableOf(drain.subscriptionId));
      if (info.num_pending > 0 || info.num_ack_pending > 0) return;
      this.drains.delete(drain.subscriptionId);
      this.queues.clearQueued(drain.subscriptionId);
      const loop = drain.loop;
      drain.loop = undefined;
      await loop?.stop(0);
      // Another replica may still be draining it: it recreates the consumer when it has work.
      await this.jsm.consumers
        .delete(STREAMS.parked, parkedDurableOf(drain.subscriptionId))
        .catch(() => false);
    } catch (error) {
      this.logger.debug({ err: error, subscriptionId: drain.subscriptionId }, 'parked queue not checked');
    } finally {
      drain.checking = false;
    }
  }

  /** Finds the queues with entries: after a restart, and those another replica parked. */
  private async scan(): Promise<void> {
    this.lastScanMs = Date.now();
    try {
      const info = await this.jsm.streams.info(STREAMS.parked, { subjects_filter: subjects.allParked() });
      for (const subject of Object.keys(info.state.subjects ?? {})) {
        const parsed = parseEndpointSubject(subject);
        // Entries another replica (or this one before a restart) parked. If they wait for a failing
        // endpoint, its circuit record, shared by the replicas, parks new work behind them here too.
        if (parsed) this.queues.markQueued(parsed.organizationId, parsed.subscriptionId, false);
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'parked queues not scanned');
    }
  }
}
