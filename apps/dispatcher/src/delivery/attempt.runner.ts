import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DeliveryFact, Dispatch } from '@hookstream/contracts';
import { Outcome, Publisher, type HandlerContext, type HandlerOutcome } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../dispatcher.config';
import { DISPATCHER_LOGGER } from '../dispatcher.logger';
import { DispatcherMetrics, statusClass, type AttemptOutcomeLabel } from '../dispatcher.metrics';
import { Disabler } from '../disabling/disabler.service';
import type { Route } from '../routing/route';
import { RoutingService } from '../routing/routing.service';
import { abandonedFact, decideAttempt, type AttemptReport } from './attempt.outcome';
import { buildRequest } from './attempt.request';
import { EndpointGate, saturationDelayMs } from './endpoint-gate';
import { factItem } from './fact.items';
import { HttpSender } from './http-sender';
import { OriginPools } from './origin-pools';

/** A dispatch naming a subscription this process has not seen yet waits this long for the routing table. */
const UNKNOWN_SUBSCRIPTION_PATIENCE_MS = 30_000;

/** A message waiting for its busy endpoint goes back to the stream once the endpoint is silent this long. */
const ORIGIN_WAIT_MS = 1_000;

const OUTCOME_LABEL = { delivered: 'succeeded', retry: 'retrying', give_up: 'failed' } as const;

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
  private interrupted = false;

  constructor(
    private readonly routing: RoutingService,
    private readonly publisher: Publisher,
    private readonly disabler: Disabler,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.gate = new EndpointGate({
      originLimit: config.endpointConcurrency,
      globalLimit: config.deliveryConcurrency,
      maxWaiting: 2 * config.deliveryConcurrency,
      maxWaitMs: ORIGIN_WAIT_MS,
    });
    this.pools = new OriginPools({
      allow: config.allow,
      connectionsPerOrigin: config.endpointConcurrency,
      connectTimeoutMs: Math.min(10_000, config.deliveryTimeoutMs),
      idleCloseMs: 5 * 60_000,
    });
  }

  async run(dispatch: Dispatch, attempt: number, context: HandlerContext): Promise<HandlerOutcome> {
    const found = this.routing.table.lookup(dispatch.subscriptionId);
    if (found.kind === 'deleted') return this.abandon(dispatch, 'deleted', 'subscription deleted');
    if (found.kind === 'unknown') {
      if (Date.now() - Date.parse(dispatch.createdAt) < UNKNOWN_SUBSCRIPTION_PATIENCE_MS)
        return Outcome.nak(1_000);
      return this.abandon(dispatch, 'unknown', 'subscription not found');
    }
    const route = found.route;
    if (!route.active) {
      const why = route.disabledReason
        ? `subscription disabled: ${route.disabledReason}`
        : 'subscription inactive';
      return this.abandon(dispatch, 'inactive', why);
    }
    if (route.problem !== null) {
      const now = Date.now();
      const report = {
        attempt,
        startedAtMs: now,
        durationMs: 0,
        status: null,
        retryAfter: null,
        responseBody: null,
      };
      return this.record(dispatch, route, { ...report, error: route.problem });
    }
    if (!(await this.gate.enter(route.origin, Date.now()))) {
      this.metrics.endpointSaturated.inc();
      return Outcome.nak(saturationDelayMs(context.deliveryCount, Math.random));
    }
    let holdsGlobal = false;
    let report: AttemptReport;
    try {
      await this.gate.acquire();
      holdsGlobal = true;
      if (this.interrupted) return Outcome.nak();
      const startedAtMs = Date.now();
      const request = buildRequest(dispatch, route, startedAtMs, this.config.deliveryTimeoutMs);
      const result = await this.sender.send(this.pools.get(route.origin, startedAtMs), request);
      if (result.interrupted) return Outcome.nak();
      const { status, retryAfter, responseBody, error } = result;
      const durationMs = Date.now() - startedAtMs;
      report = { attempt, startedAtMs, durationMs, status, retryAfter, responseBody, error };
    } finally {
      this.gate.leave(route.origin, holdsGlobal, Date.now());
    }
    return this.record(dispatch, route, report);
  }

  /** Cuts off attempts still running when the shutdown grace ends: they are handed back, not recorded. */
  interruptAll(): number {
    this.interrupted = true;
    return this.sender.abortAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pools.close();
  }

  private async record(dispatch: Dispatch, route: Route, report: AttemptReport): Promise<HandlerOutcome> {
    const now = new Date();
    const schedule = route.retryScheduleMs ?? this.config.retryScheduleMs;
    const { outcome, fact } = decideAttempt(dispatch, report, schedule, now, Math.random);
    await this.publish(fact);
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
    return Outcome.ack();
  }

  private async abandon(dispatch: Dispatch, reason: string, message: string): Promise<HandlerOutcome> {
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

  private async publish(fact: DeliveryFact): Promise<void> {
    const { subject, payload, msgId, headers } = factItem(fact);
    await this.publisher.publish(subject, payload, { msgId, headers });
  }
}
