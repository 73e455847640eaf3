import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { decodeSubscriptionFact, parseSubscriptionSubject, STREAMS, subjects } from '@hookstream/contracts';
import { ConsumerRunner, type OrderedStream } from '@hookstream/messaging';
import { HealthRegistry, type Logger } from '@hookstream/platform';
import { LOG_PROJECTOR_LOGGER } from '../log-projector.tokens';

/**
 * Which subscriptions exist and in which organization, read from SUBSCRIPTIONS (the last fact of
 * each subscription, then every change). With it, the logs and dispatch lists of a subscription
 * nothing was delivered to yet are an empty page, not a 404. Of each fact it keeps the subject's
 * organization and the subscription's metadata (which portal sessions filter on); a message that
 * does not decode is skipped, as the dispatcher's routing table skips it.
 */
@Injectable()
export class SubscriptionDirectory implements OnModuleInit, OnApplicationBootstrap {
  private readonly owners = new Map<string, string>();
  private readonly metadata = new Map<string, Record<string, unknown>>();
  private stream?: OrderedStream;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly health: HealthRegistry,
    @Inject(LOG_PROJECTOR_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.health.register('subscriptions', () => {
      const status = this.stream?.status();
      if (!status) return { ok: false, detail: 'not started' };
      if (!status.caughtUp) return { ok: false, detail: `loading subscriptions (${status.detail})` };
      return { ok: status.healthy, detail: `${this.owners.size} subscriptions; ${status.detail}` };
    });
  }

  onApplicationBootstrap(): void {
    this.stream = this.runner.ordered({
      stream: STREAMS.subscriptions,
      filterSubject: subjects.allSubscriptions(),
      deliverPolicy: 'last_per_subject',
      onMessage: (msg) => this.apply(msg.subject, msg.data),
    });
    this.stream.caughtUp.then(
      () => this.logger.info({ subscriptions: this.owners.size }, 'subscriptions loaded'),
      () => undefined,
    );
  }

  /** True when the subscription exists now and belongs to the organization. */
  exists(organizationId: string, subscriptionId: string): boolean {
    return this.owners.get(subscriptionId) === organizationId;
  }

  /** True when the subscription exists in the organization and carries every key/value of `filter`. */
  matches(organizationId: string, subscriptionId: string, filter: Record<string, string>): boolean {
    if (!this.exists(organizationId, subscriptionId)) return false;
    const metadata = this.metadata.get(subscriptionId) ?? {};
    return Object.entries(filter).every(([key, value]) => metadata[key] === value);
  }

  apply(subject: string, data: Uint8Array): void {
    const parsed = parseSubscriptionSubject(subject);
    if (!parsed) return;
    const decoded = decodeSubscriptionFact(data);
    if (!decoded.ok) {
      this.logger.warn(`subscription fact on ${subject} skipped: ${decoded.reason}`);
      return;
    }
    if (decoded.fact.type === 'subscription.deleted') {
      this.owners.delete(parsed.subscriptionId);
      this.metadata.delete(parsed.subscriptionId);
    } else {
      const { metadata } = decoded.fact.data;
      this.owners.set(parsed.subscriptionId, parsed.organizationId);
      this.metadata.set(
        parsed.subscriptionId,
        typeof metadata === 'object' && metadata !== null ? metadata : {},
      );
    }
  }
}
