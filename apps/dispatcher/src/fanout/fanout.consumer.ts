import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { EventCatalog, STREAMS, subjects, TRACEPARENT_HEADER, validTraceparent } from '@hookstream/contracts';
import {
  ConsumerRunner,
  Outcome,
  Publisher,
  type HandlerOutcome,
  type RunningConsumer,
} from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import { factItem } from '../delivery/fact.items';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../dispatcher.config';
import { DISPATCHER_LOGGER } from '../dispatcher.logger';
import { DispatcherMetrics } from '../dispatcher.metrics';
import { RoutingService } from '../routing/routing.service';
import { checkEvent, type EventCheckDeps } from './fanout.check';
import { planFanout } from './fanout.plan';

export const FANOUT_DURABLE = 'dispatcher-fanout';

/**
 * EVENTS → `dispatch.created`: one durable consumer shared by the replicas. The event is acked
 * only once every created fact is stored; a rejected event is terminated and recorded (counter
 * and a log line naming its stream sequence, where the message itself stays readable).
 */
@Injectable()
export class FanoutConsumer {
  private readonly catalog = new EventCatalog();
  private readonly deps: EventCheckDeps;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly publisher: Publisher,
    private readonly routing: RoutingService,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.deps = {
      validate: (organizationId, type, data) => this.catalog.validate(organizationId, type, data),
      matching: (organizationId, type) => this.routing.table.matching(organizationId, type),
      maxEventBytes: config.maxEventBytes,
    };
  }

  start(): RunningConsumer {
    return this.runner.start({
      stream: STREAMS.events,
      durable: FANOUT_DURABLE,
      filterSubject: subjects.allEvents(),
      ackWaitMs: 30_000,
      maxAckPending: 4_096,
      // Each handler mostly waits for stream acknowledgements: many at once keep the publishes pipelined.
      concurrency: 256,
      handler: (msg) => this.handle(msg),
    });
  }

  private async handle(msg: JsMsg): Promise<HandlerOutcome> {
    const check = checkEvent(msg.subject, msg.data, this.deps);
    if (!check.ok) {
      const { code, message } = check.rejection;
      this.metrics.eventsRejected.inc({ reason: code });
      this.logger.warn(
        { stream: STREAMS.events, seq: msg.seq, subject: msg.subject, reason: code, message },
        'event rejected',
      );
      return Outcome.term(`${code}: ${message}`);
    }
    if (check.routes.length === 0) return Outcome.ack();
    // Only a well-formed trace context goes onto outbound requests; anything else is dropped.
    const traceparent = validTraceparent(msg.headers?.get(TRACEPARENT_HEADER));
    const plan = planFanout(check.envelope, check.routes, {
      publishedAt: msg.time.toISOString(),
      createdAt: new Date().toISOString(),
      ...(traceparent ? { traceparent } : {}),
    });
    for (const { route, error } of plan.unrenderable) {
      this.logger.error(
        { eventId: check.envelope.id, subscriptionId: route.id, error },
        'body could not be rendered',
      );
    }
    if (plan.facts.length > 0) {
      await this.publisher.publishMany(plan.facts.map(factItem));
      this.metrics.dispatchesCreated.inc(plan.facts.length);
    }
    return Outcome.ack();
  }
}
