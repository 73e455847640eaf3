import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { request } from 'undici';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  decodeDeliveryFact,
  eventMessage,
  STREAMS,
  subjects,
  subscriptionChanged,
  subscriptionDeleted,
  subscriptionFactMessage,
  type DeliveryFact,
  type DeliveryFactKind,
  type EventEnvelope,
  type SubscriptionFact,
  type SubscriptionState,
} from '@hookstream/contracts';
import {
  connectNats,
  orderedStream,
  provisionStreams,
  Publisher,
  type OrderedStream,
} from '@hookstream/messaging';
import { startNats, startService, waitFor, type NatsServer, type RunningService } from '@hookstream/testing';
import { encryptSecret, generateSecret, isSecretKey, publicKeyOf } from '@hookstream/webhooks';

export interface Collected<T> {
  readonly items: T[];
  waitFor(what: string, predicate: (items: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

export interface SubscriptionInput extends Partial<SubscriptionState> {
  url: string;
  events: string[];
}

/** NATS, a publisher standing in for the other services, and a spawned dispatcher (built service). */
export class DispatcherHarness {
  readonly secretsKey = randomBytes(32);
  readonly publisher: Publisher;
  private readonly collectors: Array<{ stop(): Promise<void> }> = [];
  private readonly services: RunningService[] = [];
  private readonly live = new Set<string>();

  private constructor(
    readonly nats: NatsServer,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {
    this.publisher = new Publisher(js);
  }

  static async start(): Promise<DispatcherHarness> {
    const nats = await startNats();
    const nc = await connectNats({ servers: nats.url, name: 'dispatcher-tests' });
    const jsm = await jetstreamManager(nc);
    await provisionStreams(jsm, { replicas: 1, eventsMaxAgeMs: 86_400_000, deliveriesMaxAgeMs: 86_400_000 });
    return new DispatcherHarness(nats, nc, jetstream(nc), jsm);
  }

  /** Spawns `node dist/apps/dispatcher/src/main.js` (run `npm run build` first) and waits until ready. */
  async startDispatcher(env: Record<string, string> = {}): Promise<RunningService> {
    const service = await startService('dispatcher', {
      NATS_URL: this.nats.url,
      SECRETS_KEY: this.secretsKey.toString('hex'),
      DELIVERY_ALLOW_HTTP: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    });
    this.services.push(service);
    return service;
  }

  static organization(): string {
    return `org_${randomBytes(6).toString('hex')}`;
  }

  /** Stores a subscription state on SUBSCRIPTIONS the way the subscriptions service does. */
  async subscribe(input: SubscriptionInput, secrets?: Array<{ plain: string; expiresAt: string | null }>) {
    const now = new Date().toISOString();
    const plain = secrets ?? [{ plain: generateSecret(), expiresAt: null }];
    const state: SubscriptionState = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      organizationId: DispatcherHarness.organization(),
      name: 'test subscription',
      active: true,
      profile: 'standard',
      payloadTemplate: null,
      headers: {},
      retryPolicy: null,
      timeoutMs: null,
      metadata: {},
      filter: null,
      signature: 'hmac',
      ordering: 'none',
      rateLimit: null,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
      ...input,
      secrets: plain.map((s) => ({
        ciphertext: encryptSecret(s.plain, this.secretsKey),
        expiresAt: s.expiresAt,
        ...(isSecretKey(s.plain) ? { publicKey: publicKeyOf(s.plain) } : {}),
      })),
    };
    await this.storeSubscription(state);
    this.live.add(state.id);
    await this.routesLoaded();
    return { state, secret: plain[0]!.plain, secrets: plain.map((s) => s.plain) };
  }

  async storeSubscription(state: SubscriptionState): Promise<void> {
    await this.publishSubscriptionFact(
      subscriptionChanged(state, `${state.id}:${state.updatedAt}`, new Date(state.updatedAt)),
    );
  }

  async deleteSubscription(state: SubscriptionState): Promise<void> {
    await this.publishSubscriptionFact(subscriptionDeleted(state, `${state.id}:deleted`, new Date()));
    this.live.delete(state.id);
    await this.routesLoaded();
  }

  /** Waits until every running dispatcher holds exactly the subscriptions stored so far (its readiness detail says). */
  async routesLoaded(): Promise<void> {
    for (const service of this.services) {
      if (service.process.exitCode !== null || service.process.signalCode !== null) continue;
      await waitFor(`${service.name} holding ${this.live.size} subscriptions`, async () => {
        try {
          const report = (await (await request(`${service.httpUrl}/health/ready`)).body.json()) as {
            checks?: { routing?: { detail?: string } };
          };
          return Number.parseInt(report.checks?.routing?.detail ?? '', 10) === this.live.size;
        } catch {
          return false;
        }
      });
    }
  }

  event(organizationId: string, type: string, data: Record<string, unknown>): EventEnvelope {
    return {
      id: `evt_${randomBytes(8).toString('hex')}`,
      type,
      organizationId,
      occurredAt: new Date().toISOString(),
      source: 'test',
      data,
    };
  }

  private async publishSubscriptionFact(fact: SubscriptionFact): Promise<void> {
    const { subject, payload, msgId, headers } = subscriptionFactMessage(fact);
    await this.publisher.publish(subject, payload, { msgId, headers });
  }

  async publishEvent(event: EventEnvelope, headers?: Record<string, string>): Promise<void> {
    const message = eventMessage(event);
    await this.publisher.publish(message.subject, message.payload, {
      msgId: message.msgId,
      headers: { ...message.headers, ...headers },
    });
  }

  /**
   * Every fact stored on DELIVERIES for the organization, from the start, as they arrive; or only
   * one subscription's facts of one kind (much less to read for an oracle over thousands).
   */
  facts(
    organizationId: string,
    only?: { subscriptionId: string; kind: DeliveryFactKind },
  ): Collected<DeliveryFact> {
    const filter = only
      ? subjects.delivery(organizationId, only.subscriptionId, only.kind)
      : subjects.deliveriesOfOrganization(organizationId);
    return this.collect(STREAMS.deliveries, filter, (data) => decodeDeliveryFact(data));
  }

  /** Events stored on EVENTS under a filter (such as `events.<org>.webhook.disabled`). */
  events(filterSubject: string): Collected<EventEnvelope> {
    return this.collect(
      STREAMS.events,
      filterSubject,
      (data) => JSON.parse(Buffer.from(data).toString()) as EventEnvelope,
    );
  }

  async metric(service: RunningService, name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await request(`${service.httpUrl}/metrics`)).body.text();
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const [series, value] = line.split(' ');
      if (series === undefined || value === undefined) continue;
      if (series !== name && !series.startsWith(`${name}{`)) continue;
      if (wanted.every((label) => series.includes(label))) total += Number(value);
    }
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.stop()));
    await Promise.all(this.services.map((s) => s.stop().catch(() => undefined)));
    await this.nc.close();
    await this.nats.dispose();
  }

  /** When each event under a filter was stored on EVENTS (its `publishedAt`), by event id. */
  storedAt(filterSubject: string): Collected<{ eventId: string; storedAtMs: number }> {
    return this.collect(STREAMS.events, filterSubject, (data, msg) => ({
      eventId: (JSON.parse(Buffer.from(data).toString()) as EventEnvelope).id,
      storedAtMs: msg.time.getTime(),
    }));
  }

  private collect<T>(
    stream: string,
    filterSubject: string,
    decode: (data: Uint8Array, msg: JsMsg) => T | undefined,
  ): Collected<T> {
    const items: T[] = [];
    const reader: OrderedStream = orderedStream({
      js: this.js,
      stream,
      filterSubject,
      onMessage: (msg) => {
        const item = decode(msg.data, msg);
        if (item !== undefined) items.push(item);
      },
    });
    const collected: Collected<T> = {
      items,
      waitFor: async (what, predicate, timeoutMs = 30_000) => {
        await waitFor(what, async () => predicate(items), timeoutMs);
        return items;
      },
      stop: () => reader.stop(),
    };
    this.collectors.push(collected);
    return collected;
  }
}

/** Facts of one dispatch, in stream order. */
export function factsOf(facts: DeliveryFact[], dispatchId: string): DeliveryFact[] {
  return facts.filter((fact) => {
    const ref =
      fact.type === 'dispatch.created'
        ? fact.data
        : fact.type === 'dispatch.attempted'
          ? fact.data.dispatch
          : fact.data.ref;
    return ref.dispatchId === dispatchId;
  });
}

/** Whether the dispatch reached succeeded or failed. */
export function isSettled(facts: DeliveryFact[], dispatchId: string): boolean {
  return factsOf(facts, dispatchId).some(
    (fact) => fact.type === 'dispatch.succeeded' || fact.type === 'dispatch.failed',
  );
}

/**
 * A dispatch's attempts, whichever path made the first: the fan-out (its outcome is the first
 * fact) or the attempt path (after a `dispatch.created`).
 */
export function outcomesOf(story: DeliveryFact[]): DeliveryFact[] {
  return story.filter((fact) => fact.type !== 'dispatch.created');
}

/** Whether the first fact of a dispatch carries the whole dispatch, as the contract requires. */
export function firstCarriesDispatch(story: DeliveryFact[]): boolean {
  const first = story[0];
  if (!first) return false;
  switch (first.type) {
    case 'dispatch.created':
      return true;
    case 'dispatch.attempted':
      return first.data.dispatch !== undefined;
    case 'dispatch.succeeded':
    case 'dispatch.failed':
      return first.data.dispatch !== undefined;
  }
}
