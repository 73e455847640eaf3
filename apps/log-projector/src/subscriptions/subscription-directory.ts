import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { parseSubscriptionSubject, STREAMS, subjects } from '@hookstream/contracts';
import { ConsumerRunner, type OrderedStream } from '@hookstream/messaging';
import { HealthRegistry, type Logger } from '@hookstream/platform';
import { LOG_PROJECTOR_LOGGER } from '../log-projector.tokens';

const DELETED = 'subscription.deleted';

interface FactHead {
  type?: string;
  metadata: Record<string, unknown>;
}

/** The `type` and the subscription's metadata of a fact; the secret stays unread. */
function factHead(data: Uint8Array): FactHead {
  try {
    const fact = JSON.parse(Buffer.from(data).toString('utf8')) as {
      type?: unknown;
      data?: { metadata?: unknown };
    };
    const metadata = fact.data?.metadata;
    return {
      type: typeof fact.type === 'string' ? fact.type : undefined,
      metadata:
        typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {},
    };
  } catch {
    return { metadata: {} };
  }
}

/**
 * Which subscriptions exist and in which organization, read from SUBSCRIPTIONS (the last fact of
 * each subscription, then every change). With it, the logs and dispatch lists of a subscription
 * nothing was delivered to yet are an empty page, not a 404. Only the subject, the fact's type and
 * the subscription's metadata (which portal sessions filter on) are read.
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
    const head = factHead(data);
    if (head.type === DELETED) {
      this.owners.delete(parsed.subscriptionId);
      this.metadata.delete(parsed.subscriptionId);
    } else {
      this.owners.set(parsed.subscriptionId, parsed.organizationId);
      this.metadata.set(parsed.subscriptionId, head.metadata);
    }
  }
}
