import { setTimeout } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import {
  deliveryFactMessage,
  EventCatalog,
  organizationOfSubject,
  STREAMS,
  subjects,
  TRACEPARENT_HEADER,
  validTraceparent,
} from '@hookstream/contracts';
import {
  ConsumerRunner,
  Outcome,
  Publisher,
  type HandlerOutcome,
  type RunningConsumer,
} from '@hookstream/messaging';
import { activeTracer, traceparentOf, type Logger } from '@hookstream/platform';
import { AttemptRunner } from '../delivery/attempt-runner.service';
import { HAND_OFF_HOLD_MS } from '../delivery/fast-path.decision';
import type { DispatcherConfig } from '../dispatcher.config';
import { DispatcherMetrics } from '../dispatcher.metrics';
import { RoutingService } from '../routing/routing.service';
import { checkEvent, eventCheckDeps, type EventCheckDeps } from './fanout-check.decision';
import { planFanout } from './fanout.plan';
import { describeFanout, startFanoutSpan } from './fanout.tracing';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

export const FANOUT_DURABLE = 'dispatcher-fanout';
/**
 * Events of one organization handled at once while another organization's wait: enough to keep
 * its publishes pipelined (each waits about a millisecond for its acknowledgement), few enough
 * that a burst's continuations never queue long in front of another organization's event.
 */
export const FANOUT_PER_ORGANIZATION = 32;
/**
 * Events pulled ahead of the handlers. An organization's backlog within it does not delay the
 * others' events; beyond it the stream is FIFO. Each waiting event costs its bytes in memory and
 * a keep-alive to the server every third of the ack wait, so it is bounded by count and by bytes.
 */
export const FANOUT_LOOK_AHEAD = 65_536;
export const FANOUT_LOOK_AHEAD_BYTES = 128 * 1024 * 1024;
const FANOUT_CONCURRENCY = 256;

/**
 * EVENTS → dispatches: one durable consumer shared by the replicas. Each dispatch's first attempt
 * is made here when its endpoint can take it now, otherwise it is handed off as
 * `dispatch.created`; the event is acked only once every dispatch has a stored fact; a rejected event is terminated and recorded (counter
 * and a log line naming its stream sequence, where the message itself stays readable).
 */
@Injectable()
export class FanoutConsumer {
  private readonly catalog = new EventCatalog();
  private readonly deps: EventCheckDeps;
  private readonly fastPath: boolean;
  private readonly tracer = activeTracer();

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly publisher: Publisher,
    private readonly routing: RoutingService,
    private readonly metrics: DispatcherMetrics,
    private readonly attempts: AttemptRunner,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.deps = eventCheckDeps(this.catalog, this.routing, config.maxEventBytes);
    this.fastPath = config.fastPath;
  }

  start(): RunningConsumer {
    return this.runner.start({
      stream: STREAMS.events,
      durable: FANOUT_DURABLE,
      filterSubject: subjects.allEvents(),
      ackWaitMs: 30_000,
      // Room for the look-ahead below, the buffer and the handlers.
      maxAckPending: FANOUT_LOOK_AHEAD + 4 * FANOUT_CONCURRENCY,
      // Each handler mostly waits for stream acknowledgements: many at once keep the publishes pipelined.
      concurrency: FANOUT_CONCURRENCY,
      // One organization's burst of events does not hold everyone else's behind it in the stream,
      // nor crowd the event loop: its events run FANOUT_PER_ORGANIZATION at a time while others wait.
      fairness: {
        key: organizationOfSubject,
        lookAhead: FANOUT_LOOK_AHEAD,
        lookAheadBytes: FANOUT_LOOK_AHEAD_BYTES,
        perKey: FANOUT_PER_ORGANIZATION,
      },
      handler: (msg) => this.handle(msg),
    });
  }

  private async handle(msg: JsMsg): Promise<HandlerOutcome> {
    // Only a well-formed trace context goes onto outbound requests; anything else is dropped.
    const traceparent = validTraceparent(msg.headers?.get(TRACEPARENT_HEADER));
    if (this.tracer === undefined) return this.fanout(msg, traceparent, undefined);
    const span = startFanoutSpan(this.tracer, msg.subject, msg.seq, traceparent);
    try {
      return await this.fanout(msg, traceparent, span);
    } finally {
      span.end();
    }
  }

  /**
   * `span`: the fan-out span when tracing is on. The dispatches keep the event's trace context
   * (the fan-out span's when the event came without one); the attempts made here are its children.
   */
  private async fanout(
    msg: JsMsg,
    traceparent: string | undefined,
    span: Span | undefined,
  ): Promise<HandlerOutcome> {
    const check = checkEvent(msg.subject, msg.data, this.deps);
    if (span) describeFanout(span, check);
    if (!check.ok) {
      const { code, message } = check.rejection;
      this.metrics.eventsRejected.inc({ reason: code });
      this.logger.warn(
        { stream: STREAMS.events, seq: msg.seq, subject: msg.subject, reason: code, message },
        'event rejected',
      );
      return Outcome.term(`${code}: ${message}`);
    }
    if (check.filtered > 0) this.metrics.dispatchesFiltered.inc(check.filtered);
    // Subscriptions delivered in order per key take their dispatches from OrderedFanout.
    const routes = check.routes.filter((route) => route.state.ordering !== 'subject');
    if (routes.length === 0) return Outcome.ack();
    const spanTrace = span && traceparentOf(span);
    const dispatchTrace = traceparent ?? spanTrace;
    const plan = planFanout(check.envelope, routes, {
      publishedAt: msg.time.toISOString(),
      createdAt: new Date().toISOString(),
      ...(dispatchTrace ? { traceparent: dispatchTrace } : {}),
    });
    for (const { route, error } of plan.unrenderable) {
      this.logger.error(
        { eventId: check.envelope.id, subscriptionId: route.id, error },
        'body could not be rendered',
      );
    }
    if (plan.facts.length === 0) return Outcome.ack();
    this.metrics.dispatchesCreated.inc(plan.facts.length);
    if (!this.fastPath) {
      await this.publisher.publishMany(plan.facts.map((fact) => deliveryFactMessage(fact, spanTrace)));
      return Outcome.ack();
    }
    // Each dispatch is either attempted here (its outcome fact carries it) or handed off as
    // created; the event is acked only once every one of them has its stored fact.
    const parent = span && trace.setSpan(ROOT_CONTEXT, span);
    const tried = await Promise.all(
      plan.facts.map(async (fact) => ({
        fact,
        result: await this.attempts.attemptAtFanout(fact.data, parent),
      })),
    );
    const handedOff = tried.filter(({ result }) => result === 'hand_off').map(({ fact }) => fact);
    this.metrics.firstAttempts.inc({ path: 'fanout' }, tried.length - handedOff.length);
    if (handedOff.length > 0) {
      this.metrics.firstAttempts.inc({ path: 'handed_off' }, handedOff.length);
      // Hand-offs to endpoints that cannot take them are spread past a burst (handOffHeld); the
      // others are written at once.
      const storedAtMs = msg.time.getTime();
      const held = handedOff.map((fact) => this.attempts.handOffHeld(fact.data, storedAtMs));
      const now = handedOff.filter((_, i) => !held[i]);
      const later = handedOff.filter((_, i) => held[i]);
      if (now.length > 0)
        await this.publisher.publishMany(now.map((fact) => deliveryFactMessage(fact, spanTrace)));
      if (later.length > 0) {
        this.metrics.handOffsHeld.inc(later.length);
        await setTimeout(HAND_OFF_HOLD_MS);
        await this.publisher.publishMany(later.map((fact) => deliveryFactMessage(fact, spanTrace)));
      }
    }
    // Cut off by shutdown: the event goes back and its attempts are made again, same webhook-id.
    if (tried.some(({ result }) => result === 'interrupted')) return Outcome.nak();
    return Outcome.ack();
  }
}
