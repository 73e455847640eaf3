import { join } from 'node:path';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { exited, killGroup, spawnManaged, startNats, waitFor, type NatsServer } from '@hookstream/testing';
import { connectNats } from './connection';
import { ConsumerRunner } from './consumer';
import type { ConsumerSpec, RunningConsumer } from './consumer-types';
import { ensureDurableConsumer } from './durable-consumer';
import { Outcome } from './outcome';
import { Publisher } from './publisher';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConsumerRunner (real nats-server)', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let publisher: Publisher;
  let runner: ConsumerRunner;
  let streams = 0;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ servers: nats.url, name: 'consumer-int-spec' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    publisher = new Publisher(js);
  });

  beforeEach(() => {
    runner = new ConsumerRunner(js, { jsm, nc });
  });

  afterEach(async () => {
    await runner.stopAll(1_000);
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  async function startConsumer(spec: ConsumerSpec): Promise<RunningConsumer> {
    const consumer = runner.start(spec);
    await consumer.started;
    return consumer;
  }

  /** A stream of its own per test, so that tests never see each other's messages. */
  async function freshStream(): Promise<{
    stream: string;
    subject: string;
    spec: Omit<ConsumerSpec, 'handler'>;
  }> {
    streams++;
    const stream = `TEST_${streams}`;
    await jsm.streams.add({ name: stream, subjects: [`test${streams}.>`] });
    return {
      stream,
      subject: `test${streams}.items`,
      spec: {
        stream,
        durable: 'worker',
        filterSubject: `test${streams}.>`,
        ackWaitMs: 30_000,
        maxAckPending: 100,
        concurrency: 4,
      },
    };
  }

  it('redelivers a message whose handler threw, then acknowledges it', async () => {
    const { subject, spec } = await freshStream();
    const deliveries: number[] = [];
    await startConsumer({
      ...spec,
      handler: async (_msg, ctx) => {
        deliveries.push(ctx.deliveryCount);
        if (ctx.deliveryCount === 1) throw new Error('endpoint exploded');
        return Outcome.ack();
      },
    });
    await publisher.publish(subject, { n: 1 }, { msgId: 'throw-1' });

    await waitFor('a second delivery', async () => deliveries.length >= 2);
    await waitFor(
      'the acknowledgement',
      async () => (await jsm.consumers.info(spec.stream, 'worker')).num_ack_pending === 0,
    );
    expect(deliveries).toEqual([1, 2]);
  });

  it('does not redeliver a nak(delay) before the delay', async () => {
    const { subject, spec } = await freshStream();
    const startedAt: number[] = [];
    await startConsumer({
      ...spec,
      handler: async (_msg, ctx) => {
        startedAt.push(Date.now());
        return ctx.deliveryCount === 1 ? Outcome.nak(2_000) : Outcome.ack();
      },
    });
    await publisher.publish(subject, 'later', { msgId: 'nak-1' });

    await waitFor('the redelivery', async () => startedAt.length >= 2);
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(2_000);
  });

  it('never redelivers a terminated message, on this server version too', async () => {
    const { subject, spec } = await freshStream();
    const handled: number[] = [];
    await startConsumer({
      ...spec,
      ackWaitMs: 1_000,
      handler: async (msg) => {
        handled.push(msg.seq);
        return msg.string() === 'poison' ? Outcome.term('poison pill') : Outcome.ack();
      },
    });
    await publisher.publish(subject, 'poison', { msgId: 'term-1' });
    await publisher.publish(subject, 'fine', { msgId: 'term-2' });

    await waitFor('both messages', async () => handled.length >= 2);
    // Well past the ack wait: an unterminated message would have come back by now.
    await sleep(3_000);
    expect(handled).toEqual([1, 2]);
    const info = await jsm.consumers.info(spec.stream, 'worker');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });

  it('terminates a malformed message with a recorded reason and goes on with the next', async () => {
    const { subject, spec } = await freshStream();
    const terminated: Array<{ seq: number; reason: string }> = [];
    const processed: unknown[] = [];
    await startConsumer({
      ...spec,
      concurrency: 1,
      handler: async (msg) => {
        let body: unknown;
        try {
          body = msg.json();
        } catch (err) {
          return Outcome.term(`malformed JSON: ${(err as Error).message}`);
        }
        processed.push(body);
        return Outcome.ack();
      },
      onTerminated: (msg: JsMsg, reason: string) => terminated.push({ seq: msg.seq, reason }),
    });
    await publisher.publish(subject, '{not json', { msgId: 'bad-1' });
    await publisher.publish(subject, { ok: true }, { msgId: 'bad-2' });

    await waitFor('the next message', async () => processed.length >= 1);
    expect(processed).toEqual([{ ok: true }]);
    expect(terminated).toEqual([{ seq: 1, reason: expect.stringMatching(/^malformed JSON/) }]);
  });

  it('with fairness, takes the messages of a small key ahead of the burst of another', async () => {
    const { stream, spec } = await freshStream();
    const prefix = stream.replace('TEST_', 'test');
    for (let i = 0; i < 200; i++) await publisher.publish(`${prefix}.a`, { i }, { msgId: `a-${i}` });
    for (let i = 0; i < 3; i++) await publisher.publish(`${prefix}.b`, { i }, { msgId: `b-${i}` });
    const order: string[] = [];
    await startConsumer({
      ...spec,
      maxAckPending: 500,
      concurrency: 1,
      fairness: { key: (subject) => subject.slice(subject.lastIndexOf('.') + 1), lookAhead: 300 },
      handler: async (msg) => {
        order.push(msg.subject.slice(msg.subject.lastIndexOf('.') + 1));
        await sleep(5);
        return Outcome.ack();
      },
    });

    await waitFor('every message', async () => order.length === 203);
    const positions = order.flatMap((key, i) => (key === 'b' ? [i] : []));
    // In stream order they would come last (200, 201, 202); taken in turn, early on.
    expect(positions).toHaveLength(3);
    expect(positions[2]).toBeLessThan(100);
    expect(order.filter((key) => key === 'a')).toHaveLength(200);
  });

  it('with fairness, keeps messages waiting in the look-ahead from being redelivered', async () => {
    const { stream, spec } = await freshStream();
    const prefix = stream.replace('TEST_', 'test');
    for (let i = 0; i < 40; i++) await publisher.publish(`${prefix}.a`, { i }, { msgId: `k-${i}` });
    const counts: number[] = [];
    await startConsumer({
      ...spec,
      ackWaitMs: 1_000,
      concurrency: 1,
      fairness: { key: () => 'a', lookAhead: 100 },
      handler: async (_msg, ctx) => {
        counts.push(ctx.deliveryCount);
        await sleep(100);
        return Outcome.ack();
      },
    });

    // 40 messages one at a time take 4 s: most wait in the look-ahead for several ack waits.
    await waitFor('every message', async () => counts.length >= 40, 20_000);
    await sleep(500);
    expect(counts).toHaveLength(40);
    expect(counts.every((count) => count === 1)).toBe(true);
  });

  it('never runs more handlers than its concurrency', async () => {
    const { subject, spec } = await freshStream();
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await startConsumer({
      ...spec,
      concurrency: 2,
      handler: async (msg) => {
        running++;
        most = Math.max(most, running);
        await sleep(150);
        running--;
        done.push(msg.seq);
        return Outcome.ack();
      },
    });
    await publisher.publishMany(
      Array.from({ length: 10 }, (_, i) => ({ subject, payload: String(i), msgId: `conc-${i}` })),
    );

    await waitFor('all ten', async () => done.length >= 10);
    expect(most).toBe(2);
    expect([...done].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps a handler running past its ack wait from being redelivered', async () => {
    const { subject, spec } = await freshStream();
    const deliveries: number[] = [];
    await startConsumer({
      ...spec,
      ackWaitMs: 1_000,
      concurrency: 3,
      handler: async (_msg, ctx) => {
        deliveries.push(ctx.deliveryCount);
        await sleep(3_000);
        return Outcome.ack();
      },
    });
    await publisher.publishMany(
      Array.from({ length: 3 }, (_, i) => ({ subject, payload: String(i), msgId: `slow-${i}` })),
    );

    await waitFor('the acknowledgements', async () => {
      const info = await jsm.consumers.info(spec.stream, 'worker');
      return info.ack_floor.stream_seq === 3;
    });
    expect(deliveries).toEqual([1, 1, 1]);
    expect((await jsm.consumers.info(spec.stream, 'worker')).num_redelivered).toBe(0);
  });

  it('on stop hands unfinished messages back at once, to be taken by another replica', async () => {
    const { subject, spec } = await freshStream();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    let firstStarted = false;
    const first = runner.start({
      ...spec,
      ackWaitMs: 60_000,
      handler: async () => {
        firstStarted = true;
        await hung;
        return Outcome.ack();
      },
    });
    await first.started;
    await publisher.publish(subject, 'stuck', { msgId: 'stop-1' });
    await waitFor('the first handler', async () => firstStarted);

    await first.stop(300);
    expect(first.status().healthy).toBe(false);
    const second: number[] = [];
    await startConsumer({
      ...spec,
      ackWaitMs: 60_000,
      handler: async (msg) => (second.push(msg.seq), Outcome.ack()),
    });
    // Far below the 60 s ack wait: only the nak explains the redelivery.
    await waitFor('the other replica', async () => second.length >= 1, 20_000);
    expect(second).toEqual([1]);
    release();
  });

  it('recreates its consumer when it is deleted under it', async () => {
    const { subject, spec } = await freshStream();
    const seen: string[] = [];
    const running: RunningConsumer = runner.start({
      ...spec,
      handler: async (msg) => (seen.push(msg.string()), Outcome.ack()),
    });
    await running.started;
    await publisher.publish(subject, 'before', { msgId: 'del-1' });
    await waitFor('the first message', async () => seen.includes('before'));

    await jsm.consumers.delete(spec.stream, 'worker');
    await publisher.publish(subject, 'after', { msgId: 'del-2' });

    await waitFor('the message after deletion', async () => seen.includes('after'), 60_000);
    await waitFor('a healthy status', async () => running.status().healthy);
  });

  it('redelivers the message of a process killed in the middle of its handler', async () => {
    const { subject, spec } = await freshStream();
    const durable = { ...spec, ackWaitMs: 2_000 };
    await ensureDurableConsumer(jsm, durable, {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });
    const child = spawnManaged(process.execPath, [
      join(__dirname, 'testing-fixtures', 'hold-consumer.js'),
      nats.url,
      durable.stream,
      durable.durable,
    ]);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the child consumer', async () => output.includes('ready'));
    await publisher.publish(subject, 'crash', { msgId: 'kill-1' });
    await waitFor('the child handler', async () => output.includes('"seq":1'));

    killGroup(child, 'SIGKILL');
    await exited(child);
    const redelivered: Array<{ seq: number; deliveryCount: number }> = [];
    await startConsumer({
      ...durable,
      handler: async (msg, ctx) => (
        redelivered.push({ seq: msg.seq, deliveryCount: ctx.deliveryCount }),
        Outcome.ack()
      ),
    });

    await waitFor('the redelivery', async () => redelivered.length >= 1);
    expect(JSON.parse(output.split('\n')[1]!)).toEqual({ seq: 1, deliveryCount: 1 });
    expect(redelivered).toEqual([{ seq: 1, deliveryCount: 2 }]);
  });
});
