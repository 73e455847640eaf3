import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import {
  deliveryFactMessage,
  type DeliveryFact,
  type Dispatch,
  type DispatchRef,
} from '@hookstream/contracts';
import {
  Outcome,
  Publisher,
  type HandlerContext,
  type HandlerOutcome,
  type PublishResult,
} from '@hookstream/messaging';
import { activeTracer, traceparentOf, type Logger } from '@hookstream/platform';
import type { DispatcherConfig } from '../dispatcher.config';
import { DispatcherMetrics, statusClass, type AttemptOutcomeLabel } from '../dispatcher.metrics';
import { Disabler } from '../disabling/disabler.service';
import type { Route } from '../routing/route.state';
import { RoutingService } from '../routing/routing.service';
import type { DeliveryOutcome } from '@hookstream/webhooks';
import { abandonedFact, decideAttempt, type AttemptReport } from './attempt.outcome';
import { buildRequest, loggedHeaders } from './attempt-request.plan';
import { endAttemptSpan, startAttemptSpan } from './attempt.tracing';
import { EndpointCircuits } from './endpoint-circuits.service';
import { EndpointGate } from './endpoint-gate.state';
import { fastPathDecision, handOffHeld, OriginHealthBook } from './fast-path.decision';
import { HttpSender, type HttpRequest, type HttpResult } from './http-sender.client';
import { OriginPools } from './origin-pools.client';
import { ParkedQueues, type AttemptSource, type ParkReason } from './parked-queues.service';
import { Throttle } from './throttle.service';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

/** A dispatch naming a subscription this process has not seen yet waits this long for the routing table. */
const UNKNOWN_SUBSCRIPTION_PATIENCE_MS = 30_000;

/**
 * Messages of the shared consumers that may wait for busy endpoints, as a multiple of the
 * requests in flight: a busy endpoint that keeps answering takes its backlog from the stream at
 * its own pace, and only what overflows its share of this room is parked.
 */
export const WAITING_ROOM_FACTOR = 2;

/** A message waiting for its busy endpoint is parked once the endpoint is silent this long. */
const ORIGIN_WAIT_MS = 1_000;

const OUTCOME_LABEL = { delivered: 'succeeded', retry: 'retrying', give_up: 'failed' } as const;

/** One request and its answer; `traceparent` is the attempt span's, when tracing is on. */
interface Exchange {
  request: HttpRequest;
  result: HttpResult;
  startedAtMs: number;
  traceparent: string | undefined;
}

/**
 * One attempt of an ordered queue's head. `settled`: the dispatch has its terminal fact;
 * `retry`: the attempt failed and the next one is due at `dueAtMs`, carried by the fact at
 * `factSeq`; `wait`: nothing was sent (the endpoint is saturated, or the subscription not known
 * yet), try again shortly; `interrupted`: shutdown cut it off.
 */
export type OrderedAttempt =
  | { kind: 'settled' }
  /** This attempt had been made before (by an owner that crashed) and its outcome is the stored one at `factSeq`. */
  | { kind: 'repeated'; factSeq: number }
  | { kind: 'retry'; dueAtMs: number; factSeq: number }
  | { kind: 'wait' }
  | { kind: 'interrupted' };

interface Recorded {
  outcome: DeliveryOutcome;
  factSeq: number;
  /** An outcome of this attempt was stored already: that one counts, not this one. */
  duplicate: boolean;
}

/**
 * One attempt of one dispatch, shared by the attempts and retries consumers: route lookup,
 * endpoint bounds, the signed request, the policy's verdict, exactly one outcome fact, then
 * the acknowledgement.
 */
@Injectable()
export class AttemptRunner implements OnApplicationShutdown {
  readonly gate: EndpointGate;
  private readonly pools: OriginPools;
  private readonly sender = new HttpSender();
  private readonly health = new OriginHealthBook();
  private readonly tracer = activeTracer();
  private interrupted = false;

  constructor(
    private readonly routing: RoutingService,
    private readonly publisher: Publisher,
    private readonly disabler: Disabler,
    private readonly metrics: DispatcherMetrics,
    private readonly circuits: EndpointCircuits,
    private readonly queues: ParkedQueues,
    private readonly throttle: Throttle,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.gate = new EndpointGate({
      originLimit: config.endpointConcurrency,
      globalLimit: config.deliveryConcurrency,
      maxWaiting: WAITING_ROOM_FACTOR * config.deliveryConcurrency,
      maxWaitMs: ORIGIN_WAIT_MS,
    });
    this.pools = new OriginPools({
      allow: config.allow,
      connectionsPerOrigin: config.endpointConcurrency,
      connectTimeoutMs: Math.min(10_000, config.deliveryTimeoutMs),
      idleCloseMs: 5 * 60_000,
    });
  }

  /**
   * An attempt taken from the shared consumers. It goes out now when its endpoint has room; it is
   * parked on the endpoint's own queue when the circuit is open, the queue already has a backlog
   * (so it does not overtake it), or the endpoint is saturated: what waits for one endpoint never
   * holds a message of the shared consumers.
   */
  async run(
    dispatch: Dispatch,
    attempt: number,
    context: HandlerContext,
    source: AttemptSource,
  ): Promise<HandlerOutcome> {
    const checked = this.check(dispatch, attempt);
    if (checked.kind === 'settled') return checked.outcome;
    const route = checked.route;
    if (this.circuits.isOpen(route.id)) return this.park(dispatch, attempt, source, 'circuit_open');
    if (this.queues.hasBacklog(route.id)) return this.park(dispatch, attempt, source, 'backlog');
    // Beyond the endpoint's rate: its own queue delivers it in order, at the rate.
    if (!(await this.throttle.admit(route, 'parked')))
      return this.park(dispatch, attempt, source, 'throttled');
    const outcome = await this.attempt(dispatch, route, attempt, false, false);
    if (outcome !== 'refused') return outcome;
    this.metrics.endpointSaturated.inc();
    return this.park(dispatch, attempt, source, 'saturated');
  }

  /**
   * A first attempt made by the fan-out, when the endpoint can take it now (fastPathDecision).
   * Its outcome fact carries the dispatch, so no `created` is written. 'hand_off': the caller
   * publishes `dispatch.created` instead; 'interrupted': shutdown cut it off, the event goes back.
   * `trace`: the fan-out span, parent of the attempt's span.
   */
  async attemptAtFanout(
    dispatch: Dispatch,
    trace?: Context,
  ): Promise<'recorded' | 'hand_off' | 'interrupted'> {
    const found = this.routing.table.lookup(dispatch.subscriptionId);
    if (found.kind !== 'found' || !found.route.active || found.route.problem !== null) return 'hand_off';
    const route = found.route;
    const decision = fastPathDecision({
      circuitOpen: this.circuits.isOpen(route.id),
      backlogged: this.queues.hasBacklog(route.id),
      originInFlight: this.gate.inFlightTo(route.origin),
      originLimit: this.gate.originLimit,
      globalSlotFree: this.gate.globalSlotFree,
      health: this.health.of(route.origin),
    });
    if (decision === 'hand_off' || this.interrupted) return 'hand_off';
    if (!(await this.throttle.admit(route, 'fanout'))) return 'hand_off';
    if (!this.gate.tryEnter(route.origin, Date.now())) return 'hand_off';
    let exchange: Exchange;
    try {
      exchange = await this.exchange(dispatch, route, 1, trace);
      if (exchange.result.interrupted) return 'interrupted';
    } finally {
      this.gate.leave(route.origin, true, Date.now());
    }
    const report = this.report(1, exchange, route);
    await this.record(dispatch, route, report, false, true, exchange.traceparent);
    return 'recorded';
  }

  /**
   * Whether the fan-out holds this dispatch's hand-off for a moment (handOffHeld); `storedAtMs`:
   * when EVENTS stored its event.
   */
  handOffHeld(dispatch: Dispatch, storedAtMs: number): boolean {
    const found = this.routing.table.lookup(dispatch.subscriptionId);
    if (found.kind !== 'found') return false;
    const { id, origin } = found.route;
    const nowMs = Date.now();
    return handOffHeld({
      circuitOpen: this.circuits.isOpen(id),
      backlogged: this.queues.hasBacklog(id),
      health: this.health.of(origin),
      originInFlight: this.gate.inFlightTo(origin),
      originLimit: this.gate.originLimit,
      originWaiting: this.gate.waitingFor(origin),
      originSilentMs: this.gate.silentMs(origin, nowMs),
      eventAgeMs: nowMs - storedAtMs,
    });
  }

  /** An attempt taken from the endpoint's parked queue, already paced to the endpoint. */
  async runParked(
    dispatch: Dispatch,
    attempt: number,
    context: HandlerContext,
    probe: boolean,
  ): Promise<HandlerOutcome> {
    const checked = this.check(dispatch, attempt);
    if (checked.kind === 'settled') return checked.outcome;
    // The circuit opened while this entry was on its way: it waits for the probe.
    if (!probe && this.circuits.isOpen(checked.route.id)) return Outcome.nak(1_000);
    // Its slot did not come in time: it goes back to the queue, not counted as an attempt.
    if (!(await this.throttle.admit(checked.route, 'queue'))) return Outcome.nak(250);
    const outcome = await this.attempt(dispatch, checked.route, attempt, true, probe);
    return outcome === 'refused' ? Outcome.nak(250) : outcome;
  }

  /**
   * An attempt of the head of an ordered queue (docs/delivery-flow.md, "Ordered delivery"). It
   * waits for its endpoint's slot like a parked entry, never parks, and ignores the circuit: the
   * head's own retry schedule paces a failing endpoint, and the keys behind it wait anyway.
   */
  async runOrdered(dispatch: Dispatch, attempt: number): Promise<OrderedAttempt> {
    const found = this.routing.table.lookup(dispatch.subscriptionId);
    // A route that cannot be delivered to fails the attempt, which may be retried like any other.
    if (found.kind === 'found' && found.route.active && found.route.problem !== null)
      return ordered(
        await this.record(dispatch, found.route, problemReport(attempt, found.route.problem), false),
      );
    const checked = this.check(dispatch, attempt);
    if (checked.kind === 'settled') {
      const outcome = await checked.outcome;
      return outcome.kind === 'nak' ? { kind: 'wait' } : { kind: 'settled' };
    }
    const sent = await this.send(dispatch, checked.route, attempt, true, false);
    if (sent === 'refused') return { kind: 'wait' };
    if (sent === 'interrupted') return { kind: 'interrupted' };
    return ordered(sent);
  }

  /** A retry over its subscription's share of the shared consumer waits on the endpoint's queue. */
  parkRetry(dispatch: Dispatch, attempt: number, source: AttemptSource): Promise<HandlerOutcome> {
    return this.park(dispatch, attempt, source, 'retry_share');
  }

  /** A parked dispatch that cannot be attempted any more ends as failed, without a request. */
  async expire(ref: DispatchRef, reason: string): Promise<HandlerOutcome> {
    return this.abandon(ref, 'expired', reason);
  }

  private check(
    dispatch: Dispatch,
    attempt: number,
  ): { kind: 'settled'; outcome: Promise<HandlerOutcome> } | { kind: 'route'; route: Route } {
    const settled = (outcome: Promise<HandlerOutcome>) => ({ kind: 'settled' as const, outcome });
    const found = this.routing.table.lookup(dispatch.subscriptionId);
    if (found.kind === 'deleted') return settled(this.abandon(dispatch, 'deleted', 'subscription deleted'));
    if (found.kind === 'unknown') {
      if (Date.now() - Date.parse(dispatch.createdAt) < UNKNOWN_SUBSCRIPTION_PATIENCE_MS)
        return settled(Promise.resolve(Outcome.nak(1_000)));
      return settled(this.abandon(dispatch, 'unknown', 'subscription not found'));
    }
    const route = found.route;
    if (!route.active) {
      const why = route.disabledReason
        ? `subscription disabled: ${route.disabledReason}`
        : 'subscription inactive';
      return settled(this.abandon(dispatch, 'inactive', why));
    }
    if (route.problem !== null) {
      const report = problemReport(attempt, route.problem);
      return settled(this.record(dispatch, route, report, false).then(() => Outcome.ack()));
    }
    return { kind: 'route', route };
  }

  private async attempt(
    dispatch: Dispatch,
    route: Route,
    attempt: number,
    patient: boolean,
    probe: boolean,
  ): Promise<HandlerOutcome | 'refused'> {
    const sent = await this.send(dispatch, route, attempt, patient, probe);
    if (sent === 'refused') return sent;
    return sent === 'interrupted' ? Outcome.nak() : Outcome.ack();
  }

  private async send(
    dispatch: Dispatch,
    route: Route,
    attempt: number,
    patient: boolean,
    probe: boolean,
  ): Promise<Recorded | 'refused' | 'interrupted'> {
    if (!(await this.gate.enter(route.origin, Date.now(), patient))) return 'refused';
    let holdsGlobal = false;
    let exchange: Exchange;
    try {
      await this.gate.acquire(route.organizationId);
      holdsGlobal = true;
      if (this.interrupted) return 'interrupted';
      exchange = await this.exchange(dispatch, route, attempt, undefined);
      if (exchange.result.interrupted) return 'interrupted';
    } finally {
      this.gate.leave(route.origin, holdsGlobal, Date.now());
    }
    return this.record(
      dispatch,
      route,
      this.report(attempt, exchange, route),
      probe,
      false,
      exchange.traceparent,
    );
  }

  /**
   * The signed request and its answer. With tracing on, the attempt's span wraps both and its
   * context replaces the event's as the request's `traceparent` (docs/architecture.md §6).
   */
  private async exchange(
    dispatch: Dispatch,
    route: Route,
    attempt: number,
    parent: Context | undefined,
  ): Promise<Exchange> {
    const span = this.tracer && startAttemptSpan(this.tracer, dispatch, route, attempt, parent);
    const startedAtMs = Date.now();
    const request = buildRequest(dispatch, route, startedAtMs, this.config.deliveryTimeoutMs);
    const traceparent = span && traceparentOf(span);
    if (traceparent !== undefined) request.headers.traceparent = traceparent;
    const result = await this.sender.send(this.pools.get(route.origin, startedAtMs), request);
    if (span) endAttemptSpan(span, result);
    return { request, result, startedAtMs, traceparent };
  }

  private report(attempt: number, exchange: Exchange, route: Route): AttemptReport {
    const { status, retryAfter, responseBody, error } = exchange.result;
    const { startedAtMs } = exchange;
    const durationMs = Date.now() - startedAtMs;
    const requestHeaders = loggedHeaders(exchange.request.headers, route.headers);
    return { attempt, startedAtMs, durationMs, status, retryAfter, responseBody, error, requestHeaders };
  }

  private async park(
    dispatch: Dispatch,
    attempt: number,
    source: AttemptSource,
    why: ParkReason,
  ): Promise<HandlerOutcome> {
    await this.queues.park(dispatch, attempt, source, why);
    return Outcome.ack();
  }

  /** Cuts off attempts still running when the shutdown grace ends: they are handed back, not recorded. */
  interruptAll(): number {
    this.interrupted = true;
    this.throttle.stop();
    return this.sender.abortAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pools.close();
  }

  private async record(
    dispatch: Dispatch,
    route: Route,
    report: AttemptReport,
    probe: boolean,
    first = false,
    traceparent?: string,
  ): Promise<Recorded> {
    const now = new Date();
    const schedule = route.retryScheduleMs ?? this.config.retryScheduleMs;
    const { outcome, fact } = decideAttempt(dispatch, report, schedule, now, Math.random, first);
    this.health.observe(route.origin, report.durationMs, outcome.kind !== 'delivered');
    if (report.requestHeaders !== null)
      this.throttle.observe(route, report.status, report.retryAfter, now.getTime());
    const storing = performance.now();
    const { seq: factSeq, duplicate } = await this.publish(fact, traceparent);
    this.metrics.factStore.observe((performance.now() - storing) / 1000);
    const label: AttemptOutcomeLabel = OUTCOME_LABEL[outcome.kind];
    const statusLabel = statusClass(report.status);
    this.metrics.attempts.inc({ outcome: label, status_class: statusLabel });
    this.metrics.attemptDuration.observe({ status_class: statusLabel }, report.durationMs / 1000);
    if (outcome.kind === 'delivered') {
      this.metrics.deliveryLatency.observe((now.getTime() - Date.parse(dispatch.publishedAt)) / 1000);
    }
    this.logger[outcome.kind === 'give_up' ? 'warn' : 'info'](
      {
        eventId: dispatch.eventId,
        dispatchId: dispatch.dispatchId,
        subscriptionId: dispatch.subscriptionId,
        organizationId: dispatch.organizationId,
        round: dispatch.round,
        attempt: report.attempt,
        status: report.status,
        outcome: label,
        durationMs: report.durationMs,
        ...(report.error === null ? {} : { error: report.error }),
        ...(outcome.kind === 'retry' ? { retryInMs: outcome.delayMs } : {}),
      },
      'delivery attempt',
    );
    this.disabler.observe(route, outcome, report.startedAtMs, now.getTime());
    const key = { subscriptionId: route.id, organizationId: route.organizationId };
    const failure = report.error ?? (report.status === null ? null : `HTTP ${report.status}`);
    this.circuits.observe(key, outcome.kind === 'delivered', failure, probe);
    return { outcome, factSeq, duplicate };
  }

  private async abandon(dispatch: DispatchRef, reason: string, message: string): Promise<HandlerOutcome> {
    await this.publish(abandonedFact(dispatch, message, new Date()));
    this.metrics.abandoned.inc({ reason });
    this.logger.info(
      {
        eventId: dispatch.eventId,
        dispatchId: dispatch.dispatchId,
        subscriptionId: dispatch.subscriptionId,
        reason: message,
      },
      'dispatch abandoned',
    );
    return Outcome.ack();
  }

  /** `traceparent`: the span that produced the fact, which the projector's batch span links to. */
  private async publish(fact: DeliveryFact, traceparent?: string): Promise<PublishResult> {
    const { subject, payload, msgId, headers } = deliveryFactMessage(fact, traceparent);
    return this.publisher.publish(subject, payload, { msgId, headers });
  }
}

function problemReport(attempt: number, problem: string): AttemptReport {
  return {
    attempt,
    startedAtMs: Date.now(),
    durationMs: 0,
    status: null,
    retryAfter: null,
    responseBody: null,
    error: problem,
    requestHeaders: null,
  };
}

function ordered(recorded: Recorded): OrderedAttempt {
  const { outcome, factSeq, duplicate } = recorded;
  if (duplicate) return { kind: 'repeated', factSeq };
  return outcome.kind === 'retry'
    ? { kind: 'retry', dueAtMs: Date.now() + outcome.delayMs, factSeq }
    : { kind: 'settled' };
}
