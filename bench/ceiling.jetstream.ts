import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connectBench } from './nats.client';
import { envelope, envelopePadding, preciseNow } from './payload.factory';

export interface JetStreamCeiling {
  messages: number;
  publishPerSecond: number;
  consumePerSecond: number;
  /**
   * Stored per second with FACT_WINDOW publishes outstanding while an ordered consumer reads the
   * stream: how the dispatchers store outcome facts on DELIVERIES while the projector reads them.
   */
  publishWhileReadPerSecond?: number;
}

/** A fan-out organization's share: the facts one organization has outstanding at once. */
const FACT_WINDOW = 32;

/**
 * What the JetStream traffic of one delivery alone allows, from ceiling (b) of the same run. Per
 * delivery at fan-out f, while a backlog drains, on the current path: the fan-out makes the first
 * attempt itself and stores only the outcome fact, which the projector reads; the event is read
 * once per f deliveries. A share h of first attempts handed off as `dispatch.created` store that
 * fact too, and it is read twice (attempts consumer, projector). So 1 + h stored and 1/f + 1 + 2h
 * read; h = 0 is the bound the design allows. HTTP, signing, Postgres and the services' own work
 * come on top, so a drain can only approach this figure.
 */
export function jetStreamBoundPerSecond(ceiling: JetStreamCeiling, fanout: number, handedOff = 0): number {
  const published = 1 + handedOff;
  const consumed = 1 / fanout + 1 + 2 * handedOff;
  return 1 / (published / ceiling.publishPerSecond + consumed / ceiling.consumePerSecond);
}

const STREAM = 'BENCH_CEILING';
const SUBJECT = 'bench.ceiling.events';
const READ_STREAM = 'BENCH_CEILING_READ';
const READ_SUBJECT = 'bench.ceiling.facts';
const READER_GRACE_MS = 30_000;

/** Publishes `messages` with at most `window` acknowledgements outstanding; resolves to the seconds taken. */
async function publishWindowed(
  js: JetStreamClient,
  subject: string,
  keyPrefix: string,
  messages: number,
  window: number,
  payloadOf: (key: string) => string,
): Promise<number> {
  const start = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < messages; i++) {
    const key = `${keyPrefix}${i}`;
    const ack = js.publish(subject, payloadOf(key), { msgID: key });
    inFlight.add(ack);
    void ack.finally(() => inFlight.delete(ack));
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return (performance.now() - start) / 1000;
}

/** Ceiling (b) as DELIVERIES sees it: FACT_WINDOW publishes outstanding, an ordered consumer reading. */
async function measurePublishWhileRead(
  js: JetStreamClient,
  jsm: JetStreamManager,
  messages: number,
  payloadOf: (key: string) => string,
): Promise<number> {
  await jsm.streams.delete(READ_STREAM).catch(() => false);
  await jsm.streams.add({ name: READ_STREAM, subjects: [READ_SUBJECT], storage: StorageType.File });
  const reader = await (await js.consumers.get(READ_STREAM)).consume();
  let read = 0;
  const reading = (async () => {
    for await (const _ of reader) if (++read === messages) break;
  })();
  const seconds = await publishWindowed(js, READ_SUBJECT, 'fact_ceiling_', messages, FACT_WINDOW, payloadOf);
  // The reader is not timed; it only has to be there. A reader that falls short does not hold the run.
  const bound = new Promise((resolve) => setTimeout(resolve, READER_GRACE_MS).unref());
  await Promise.race([reading, bound]);
  await reader.close();
  await jsm.streams.delete(READ_STREAM);
  return messages / seconds;
}

/**
 * Ceiling (b): 1 KiB messages with a message id each, published with `window` acknowledgements
 * outstanding, into a file-backed stream like EVENTS; then read back by one durable pull
 * consumer that acks each message, until the server holds no pending ack. Then the same
 * messages published into another stream with FACT_WINDOW outstanding while it is read.
 */
export async function measureJetStreamCeiling(
  natsUrl: string,
  options: { messages: number; window: number },
): Promise<JetStreamCeiling> {
  const nc = await connectBench(natsUrl, 'bench-ceiling');
  try {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(STREAM).catch(() => false);
    await jsm.streams.add({ name: STREAM, subjects: [SUBJECT], storage: StorageType.File });
    const output = envelopePadding('org_bench');

    const payloadOf = (key: string): string =>
      JSON.stringify(envelope('org_bench', key, preciseNow(), output));
    const publishSeconds = await publishWindowed(
      js,
      SUBJECT,
      'evt_ceiling_',
      options.messages,
      options.window,
      payloadOf,
    );

    await jsm.consumers.add(STREAM, {
      durable_name: 'bench',
      ack_policy: AckPolicy.Explicit,
      max_ack_pending: 20_000,
    });
    const consumer = await js.consumers.get(STREAM, 'bench');
    const consumeStart = performance.now();
    const messages = await consumer.consume({ max_messages: 1_000 });
    let received = 0;
    for await (const msg of messages) {
      msg.ack();
      if (++received === options.messages) break;
    }
    await messages.close();
    // Acks are fire-and-forget: the rate counts until the server has processed them all.
    for (;;) {
      const info = await jsm.consumers.info(STREAM, 'bench');
      if (info.num_ack_pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const consumeSeconds = (performance.now() - consumeStart) / 1000;
    await jsm.streams.delete(STREAM);
    const publishWhileReadPerSecond = await measurePublishWhileRead(
      js,
      jsm,
      Math.min(options.messages, 20_000),
      payloadOf,
    );
    return {
      messages: options.messages,
      publishPerSecond: options.messages / publishSeconds,
      consumePerSecond: options.messages / consumeSeconds,
      publishWhileReadPerSecond,
    };
  } finally {
    await nc.drain().catch(() => undefined);
  }
}
