import { Inject, Injectable } from '@nestjs/common';
import { webhookDisabledEvent, webhookDisabledMessage } from '@hookstream/contracts';
import { Publisher } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import type { DeliveryOutcome } from '@hookstream/webhooks';
import type { DispatcherConfig } from '../dispatcher.config';
import { DispatcherMetrics } from '../dispatcher.metrics';
import type { Route } from '../routing/route.state';
import { RoutingService } from '../routing/routing.service';
import { FailureHistory } from './failure-history.queries';
import { FailureTracker } from './failure-tracker.state';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER, FAILURE_HISTORY } from '../dispatcher.tokens';

/** A confirmation against the history is not repeated for the same subscription within this time. */
const RECHECK_INTERVAL_MS = 30_000;

/**
 * Disables subscriptions: at once on 410, and after DELIVERY_DISABLE_AFTER without a success.
 * The failure window lives in memory, seeded from DELIVERIES the first time a subscription fails
 * in this process and confirmed against DELIVERIES before disabling, so neither a restart (which
 * would postpone disabling) nor another replica's successes (unseen here) skew the decision.
 */
@Injectable()
export class Disabler {
  private readonly tracker = new FailureTracker();
  private readonly lookups = new Map<string, Promise<void>>();
  private readonly lastLookupMs = new Map<string, number>();

  constructor(
    private readonly routing: RoutingService,
    private readonly publisher: Publisher,
    @Inject(FAILURE_HISTORY) private readonly history: FailureHistory,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {}

  /** Called after every attempt with its judged outcome. Never blocks the attempt. */
  observe(route: Route, outcome: DeliveryOutcome, startedAtMs: number, nowMs: number): void {
    if (outcome.kind === 'delivered') return this.tracker.recordSuccess(route.id);
    if (outcome.kind === 'give_up' && outcome.disable)
      return void this.disable(route, 'gone', outcome.reason);
    const known = this.tracker.knows(route.id);
    this.tracker.recordFailure(route.id, startedAtMs);
    if (!known) return void this.refresh(route);
    if (this.overdue(route, nowMs) && nowMs - (this.lastLookupMs.get(route.id) ?? 0) >= RECHECK_INTERVAL_MS)
      void this.refresh(route);
  }

  private overdue(route: Route, nowMs: number): boolean {
    return this.tracker.failingForMs(route.id, nowMs, route.updatedAtMs) >= this.config.disableAfterMs;
  }

  /** Seeds or confirms the failure window from DELIVERIES, then disables if it is long enough. */
  private refresh(route: Route): Promise<void> {
    const running = this.lookups.get(route.id);
    if (running) return running;
    const token = this.tracker.successesOf(route.id);
    const lookup = this.history
      .failingSince(route.organizationId, route.id)
      .then(async (since) => {
        this.tracker.seed(route.id, since, token);
        this.lastLookupMs.set(route.id, Date.now());
        if (this.overdue(route, Date.now())) {
          const days = Math.round((this.config.disableAfterMs / 86_400_000) * 100) / 100;
          await this.disable(route, 'failing', `no successful delivery for ${days} days`);
        }
      })
      .catch((error: unknown) =>
        this.logger.warn({ subscriptionId: route.id, err: error }, 'could not read the delivery history'),
      )
      .finally(() => this.lookups.delete(route.id));
    this.lookups.set(route.id, lookup);
    return lookup;
  }

  /** Stops deliveries at once and publishes `webhook.disabled` for the subscriptions service and subscribers. */
  private async disable(route: Route, kind: 'gone' | 'failing', reason: string): Promise<void> {
    const was = this.routing.table.disable(route.id, reason);
    if (!was) return;
    this.tracker.forget(route.id);
    this.metrics.subscriptionsDisabled.inc({ reason: kind });
    const event = webhookDisabledEvent(
      { id: was.id, organizationId: was.organizationId, url: was.state.url, updatedAtMs: was.updatedAtMs },
      reason,
      new Date(),
    );
    this.logger.warn(
      { subscriptionId: was.id, organizationId: was.organizationId, reason },
      'subscription disabled',
    );
    try {
      const { subject, payload, msgId, headers } = webhookDisabledMessage(event);
      await this.publisher.publish(subject, payload, { msgId, headers });
    } catch (error) {
      this.logger.error({ subscriptionId: was.id, err: error }, 'could not publish webhook.disabled');
    }
  }
}
