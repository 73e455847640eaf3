import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { decodeWebhookDisabled, STREAMS, WEBHOOK_DISABLED_FILTER } from '@hookstream/contracts';
import { ConsumerRunner, type HandlerOutcome, Outcome, type RunningConsumer } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { SUBSCRIPTIONS_CONFIG, SUBSCRIPTIONS_LOGGER } from '../subscriptions.tokens';
import { SubscriptionsService } from './subscriptions.service';

export const DISABLER_DURABLE = 'subscriptions-disabler';

/**
 * Applies the dispatcher's disable decisions. The dispatcher never writes subscriptions: it
 * publishes `webhook.disabled`, and this consumer records it through the same service and outbox
 * path as any other change, so it reaches the routing table through SUBSCRIPTIONS.
 */
@Injectable()
export class SubscriptionsDisabler implements OnApplicationBootstrap {
  private consumer?: RunningConsumer;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly subscriptions: SubscriptionsService,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(SUBSCRIPTIONS_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.runner.start({
      stream: STREAMS.events,
      durable: DISABLER_DURABLE,
      filterSubject: WEBHOOK_DISABLED_FILTER,
      ackWaitMs: 30_000,
      maxAckPending: 64,
      concurrency: 4,
      handler: (msg) => this.handle(msg),
      onTerminated: (msg, reason) =>
        this.logger.warn({ subject: msg.subject, reason }, 'webhook.disabled event refused'),
    });
  }

  async handle(msg: JsMsg): Promise<HandlerOutcome> {
    const decision = decodeWebhookDisabled(msg.subject, msg.data, this.config.maxEventBytes);
    if (!decision.ok) return Outcome.term(decision.reason);
    try {
      // An unknown or already disabled subscription needs nothing: acknowledged either way.
      await this.subscriptions.disable(decision.organizationId, decision.subscriptionId, decision.reason);
      return Outcome.ack();
    } catch (error) {
      this.logger.warn(
        { subscriptionId: decision.subscriptionId, err: error },
        'disabling the subscription failed; retrying',
      );
      return Outcome.nak(1_000);
    }
  }
}
