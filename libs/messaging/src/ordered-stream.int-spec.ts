import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, waitFor, type NatsServer } from '@hookstream/testing';
import { connectNats } from './connection';
import { orderedStream, type OrderedStream } from './ordered-stream';
import { Publisher } from './publisher';

jest.setTimeout(120_000);

describe('orderedStream (real nats-server)', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let publisher: Publisher;
  const open: OrderedStream[] = [];

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ servers: nats.url, name: 'ordered-int-spec' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    publisher = new Publisher(js);
    await jsm.streams.add({ name: 'STATE', subjects: ['state.>'], max_msgs_per_subject: 5 });
    await jsm.streams.add({ name: 'LOG', subjects: ['log.>'] });
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.stop()));
    await nc?.close();
    await nats?.dispose();
  });

  it('gives the newest message of each subject, then live updates', async () => {
    await publisher.publish('state.org.a', { a: 1 }, { msgId: 'a1' });
    await publisher.publish('state.org.b', { b: 1 }, { msgId: 'b1' });
    await publisher.publish('state.org.a', { a: 2 }, { msgId: 'a2' });
    await publisher.publish('state.org.c', { c: 1 }, { msgId: 'c1' });
    await publisher.publish('state.org.b', { b: 2 }, { msgId: 'b2' });

    const seen: Array<{ subject: string; body: unknown }> = [];
    const stream = orderedStream({
      js,
      stream: 'STATE',
      filterSubject: 'state.>',
      deliverPolicy: 'last_per_subject',
      onMessage: (msg) => void seen.push({ subject: msg.subject, body: msg.json() }),
    });
    open.push(stream);

    await stream.caughtUp;
    expect(seen).toEqual([
      { subject: 'state.org.a', body: { a: 2 } },
      { subject: 'state.org.c', body: { c: 1 } },
      { subject: 'state.org.b', body: { b: 2 } },
    ]);
    expect(stream.status().caughtUp).toBe(true);

    await publisher.publish('state.org.a', { a: 3 }, { msgId: 'a3' });
    await waitFor('the live update', async () => seen.length >= 4);
    expect(seen[3]).toEqual({ subject: 'state.org.a', body: { a: 3 } });
  });

  it('reads in order from a checkpoint sequence, one message at a time', async () => {
    const acks = await publisher.publishMany(
      Array.from({ length: 20 }, (_, i) => ({ subject: 'log.item', payload: { i }, msgId: `log-${i}` })),
    );
    const checkpoint = acks[9]!.seq;
    const seqs: number[] = [];
    let inside = 0;
    let overlapped = false;
    const stream = orderedStream({
      js,
      stream: 'LOG',
      filterSubject: 'log.>',
      startSeq: checkpoint + 1,
      onMessage: async (msg) => {
        if (++inside > 1) overlapped = true;
        await new Promise((resolve) => setImmediate(resolve));
        seqs.push(msg.seq);
        inside--;
      },
    });
    open.push(stream);

    await stream.caughtUp;
    expect(seqs).toEqual(acks.slice(10).map((a) => a.seq));
    expect(overlapped).toBe(false);
  });

  it('handles the same message again when its handler fails, before the next one', async () => {
    await publisher.publish('log.retry', 'first', { msgId: 'retry-1' });
    await publisher.publish('log.retry', 'second', { msgId: 'retry-2' });
    const calls: string[] = [];
    const stream = orderedStream({
      js,
      stream: 'LOG',
      filterSubject: 'log.retry',
      onMessage: (msg) => {
        calls.push(msg.string());
        if (calls.length === 1) throw new Error('database unavailable');
      },
    });
    open.push(stream);

    await stream.caughtUp;
    expect(calls).toEqual(['first', 'first', 'second']);
  });

  it('is caught up at once on an empty subject and rejects caughtUp when stopped before', async () => {
    const empty = orderedStream({
      js,
      stream: 'LOG',
      filterSubject: 'log.nothing',
      onMessage: () => undefined,
    });
    await expect(empty.caughtUp).resolves.toBeUndefined();
    await empty.stop();

    const missing = orderedStream({
      js,
      stream: 'NO_SUCH_STREAM',
      filterSubject: 'x.>',
      onMessage: () => undefined,
    });
    await missing.stop();
    await expect(missing.caughtUp).rejects.toThrow(/stopped before catching up/);
  });
});
