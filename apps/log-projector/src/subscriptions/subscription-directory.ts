import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { parseSubscriptionSubject, STREAMS, subjects } from '@hookstream/contracts';
import { ConsumerRunner, type OrderedStream } from '@hookstream/messaging';
import { HealthRegistry } from '@hookstream/platform';

const DELETED = 'subscription.deleted';

/** The `type` of a subscription fact, without decoding the rest (the secret stays unread). */
function factType(data: Uint8Array): string | undefined {
  try {
    const type = (JSON.parse(Buffer.from(data).toString('utf8')) as { type?: unknown }).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which subscriptions exist and in which organization, read from SUBSCRIPTIONS (the last fact of
 * each subscription, then every change). With it, the logs and dispatch lists of a subscription
 * nothing was delivered to yet are an empty page, not a 404. Only the subject and the fact's type
 * are read.
 */
@Injectable()
export class SubscriptionDirectory implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('SubscriptionDirectory');
  private readonly owners = new Map<string, string>();
  private stream?: OrderedStream;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly health: HealthRegistry,
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
      () => this.logger.log(`${this.owners.size} subscriptions known`),
      () => undefined,
    );
  }

  /** True when the subscription exists now and belongs to the organization. */
  exists(organizationId: string, subscriptionId: string): boolean {
    return this.owners.get(subscriptionId) === organizationId;
  }

  apply(subject: string, data: Uint8Array): void {
    const parsed = parseSubscriptionSubject(subject);
    if (!parsed) return;
    if (factType(data) === DELETED) this.owners.delete(parsed.subscriptionId);
    else this.owners.set(parsed.subscriptionId, parsed.organizationId);
  }
}
