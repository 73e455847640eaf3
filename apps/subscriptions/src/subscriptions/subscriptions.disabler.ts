import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { STREAMS } from '@hookstream/contracts';
import { ConsumerRunner, type HandlerOutcome, Outcome, type RunningConsumer } from '@hookstream/messaging';
import type { SubscriptionsConfig } from '../app.config';
import { CONFIG } from '../app.tokens';
import { decodeDisableEvent } from './subscription.disable-decision';
import { SubscriptionsService } from './subscriptions.service';

export const DISABLER_DURABLE = 'subscriptions-disabler';
export const DISABLER_FILTER = 'events.*.webhook.disabled';

/**
 * Applies the dispatcher's disable decisions. The dispatcher never writes subscriptions: it
 * publishes `webhook.disabled`, and this consumer records it through the same service and outbox
 * path as any other change, so it reaches the routing table through SUBSCRIPTIONS.
 */
@Injectable()
export class SubscriptionsDisabler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SubscriptionsDisabler.name);
  private consumer?: RunningConsumer;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly subscriptions: SubscriptionsService,
    @Inject(CONFIG) private readonly config: SubscriptionsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.runner.start({
      stream: STREAMS.events,
      durable: DISABLER_DURABLE,
      filterSubject: DISABLER_FILTER,
      ackWaitMs: 30_000,
      maxAckPending: 64,
      concurrency: 4,
      handler: (msg) => this.handle(msg),
      onTerminated: (msg, reason) =>
        this.logger.warn(`webhook.disabled event on ${msg.subject} refused: ${reason}`),
    });
  }

  async handle(msg: JsMsg): Promise<HandlerOutcome> {
    const decision = decodeDisableEvent(msg.subject, msg.data, this.config.maxEventBytes);
    if (!decision.ok) return Outcome.term(decision.reason);
    try {
      // An unknown or already disabled subscription needs nothing: acknowledged either way.
      await this.subscriptions.disable(decision.organizationId, decision.subscriptionId, decision.reason);
      return Outcome.ack();
    } catch (error) {
      this.logger.warn(`disabling ${decision.subscriptionId} failed: ${(error as Error).message}; retrying`);
      return Outcome.nak(1_000);
    }
  }
}
