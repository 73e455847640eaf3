import type { JetStreamClient } from '@nats-io/jetstream';
import { eventMessage } from '@hookstream/contracts';
import { Publisher } from '@hookstream/messaging';
import { envelope, envelopePadding, preciseNow } from './payload.factory';

/**
 * One publisher per connection for every sink of a run: each holds a reply subscription and a
 * sweep timer for the connection's lifetime.
 */
const publishers = new WeakMap<JetStreamClient, Publisher>();
function publisherOf(js: JetStreamClient): Publisher {
  let publisher = publishers.get(js);
  if (!publisher) {
    publisher = new Publisher(js);
    publishers.set(js, publisher);
  }
  return publisher;
}

/**
 * Straight to JetStream, as an upstream service publishes: one subject per organization and type,
 * the event id as Nats-Msg-Id. Through the services' own publisher (acknowledgements on one reply
 * subscription, the publishes of a loop turn in one socket write), so that the producer, which
 * shares the machine, takes as little of it as a producer can.
 */
class EventSink {
  private readonly publisher: Publisher;
  private readonly output: string;
  private readonly inFlight = new Set<Promise<unknown>>();
  failures = 0;
  /** What the first failed publish was told, for the report. */
  firstFailure?: string;

  constructor(
    js: JetStreamClient,
    private readonly organizationId: string,
  ) {
    this.publisher = publisherOf(js);
    this.output = envelopePadding(organizationId);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Publishes one event stamped with the current time; answers that time. */
  publish(key: string): number {
    const publishedAt = preciseNow();
    const message = eventMessage(envelope(this.organizationId, key, publishedAt, this.output));
    const ack = this.publisher
      .publish(message.subject, message.payload, { msgId: message.msgId })
      .catch((err: unknown) => {
        this.firstFailure ??= err instanceof Error ? err.message : String(err);
        this.failures++;
      });
    this.inFlight.add(ack);
    void ack.finally(() => this.inFlight.delete(ack));
    return publishedAt;
  }

  async settle(window = 0): Promise<void> {
    while (this.inFlight.size > window) await Promise.race(this.inFlight);
  }
}

export const eventKey = (prefix: string, index: number): string =>
  `${prefix}${String(index).padStart(7, '0')}`;

/** Publishes a backlog as fast as the stream acknowledges, `window` acknowledgements outstanding. */
export async function publishBacklog(
  js: JetStreamClient,
  organizationId: string,
  prefix: string,
  count: number,
  window = 512,
): Promise<{ seconds: number; failures: number }> {
  const sink = new EventSink(js, organizationId);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    sink.publish(eventKey(prefix, i));
    if (sink.pending >= window) await sink.settle(window - 1);
  }
  await sink.settle();
  return { seconds: (performance.now() - start) / 1000, failures: sink.failures };
}

export interface PacedRun {
  /** Publish time (epoch ms) per event key. */
  publishedAt: Map<string, number>;
  published: number;
  failures: number;
  firstFailure?: string;
  seconds: number;
  /** How far behind its schedule the producer fell at worst (ms): a lagging producer offers less than asked. */
  maxLagMs: number;
}

/**
 * Offers `rate` events per second for `seconds`, open loop: each event goes out when its turn is
 * due whatever the platform's state; acknowledgements are not waited for. `prefixOf(i)` names the
 * i-th event (warm-up and measured events differ by prefix).
 */
export async function publishAtRate(
  js: JetStreamClient,
  organizationId: string,
  rate: number,
  seconds: number,
  prefixOf: (index: number) => string,
  onTick?: (elapsedMs: number) => void,
): Promise<PacedRun> {
  const sink = new EventSink(js, organizationId);
  const publishedAt = new Map<string, number>();
  const total = Math.round(rate * seconds);
  const start = preciseNow();
  let sent = 0;
  let maxLagMs = 0;
  while (sent < total) {
    const elapsed = preciseNow() - start;
    const due = Math.min(total, Math.floor((elapsed / 1000) * rate));
    for (; sent < due; sent++) {
      const key = eventKey(prefixOf(sent), sent);
      const at = sink.publish(key);
      publishedAt.set(key, at);
      maxLagMs = Math.max(maxLagMs, at - (start + (sent * 1000) / rate));
    }
    onTick?.(elapsed);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const spent = (preciseNow() - start) / 1000;
  await sink.settle();
  return {
    publishedAt,
    published: sent,
    failures: sink.failures,
    ...(sink.firstFailure === undefined ? {} : { firstFailure: sink.firstFailure }),
    seconds: spent,
    maxLagMs,
  };
}
