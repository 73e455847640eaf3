import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { decodeSubscriptionFact, STREAMS, subjects } from '@hookstream/contracts';
import { ConsumerRunner, type OrderedStream } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import { checkSubscriptionUrl, decryptSecret, parseSchedule } from '@hookstream/webhooks';
import type { DispatcherConfig } from '../dispatcher.config';
import { toRoute, type RouteBuilder } from './route.state';
import { RoutingTable } from './routing-table.state';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

/**
 * Keeps the routing table current from SUBSCRIPTIONS: the last state of every subscription first,
 * then every change as it is stored, so a change applies to the next delivery within moments.
 */
@Injectable()
export class RoutingService {
  readonly table = new RoutingTable();
  private readonly builder: RouteBuilder;
  private stream?: OrderedStream;

  constructor(
    private readonly runner: ConsumerRunner,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    const { allow, allowHttp } = config;
    this.builder = {
      decrypt: (ciphertext) => decryptSecret(ciphertext, config.secretsKey),
      checkUrl: (url) => checkSubscriptionUrl(url, { allowHttp, allow }),
      parseSchedule: (schedule) => parseSchedule(schedule),
    };
  }

  /** Starts reading; resolves once every subscription stored at start is in the table. */
  async start(): Promise<void> {
    this.stream = this.runner.ordered({
      stream: STREAMS.subscriptions,
      filterSubject: subjects.allSubscriptions(),
      deliverPolicy: 'last_per_subject',
      onMessage: (msg) => this.apply(msg),
    });
    await this.stream.caughtUp;
    this.logger.info({ subscriptions: this.table.size }, 'routing table loaded');
  }

  status(): { ok: boolean; detail: string } {
    const status = this.stream?.status();
    if (!status) return { ok: false, detail: 'not started' };
    if (!status.caughtUp) return { ok: false, detail: `loading subscriptions (${status.detail})` };
    return { ok: status.healthy, detail: `${this.table.size} subscriptions; ${status.detail}` };
  }

  private apply(msg: JsMsg): void {
    const decoded = decodeSubscriptionFact(msg.data);
    if (!decoded.ok) {
      this.logger.warn(
        { subject: msg.subject, seq: msg.seq, reason: decoded.reason },
        'subscription fact skipped',
      );
      return;
    }
    const { fact } = decoded;
    if (fact.type === 'subscription.deleted') {
      this.table.remove(fact.data.id);
      return;
    }
    const route = toRoute(fact.data, this.builder);
    if (route.problem !== null)
      this.logger.warn(
        { subscriptionId: route.id, problem: route.problem },
        'subscription cannot be delivered to',
      );
    this.table.upsert(route);
  }
}
