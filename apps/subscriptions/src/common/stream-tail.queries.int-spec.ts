import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect as nodeConnect } from '@nats-io/transport-node';
import { startNats, type NatsServer } from '@hookstream/testing';
import { tailStream } from './stream-tail.queries';

const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

describe('tailStream: the newest N messages of a wildcard subject (real nats-server)', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const stream = 'TAIL';

  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: ['t.>'] });
    const js = jetstream(nc);
    // 3,000 messages: a busy organization, and a quiet one whose 7 messages are spread through them.
    for (let i = 0; i < 3_000; i++) {
      const subject = i % 431 === 0 ? `t.quiet.e${i}` : `t.busy.e${i % 5}`;
      await js.publish(subject, String(i));
    }
  }, 120_000);
  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  const tail = (filterSubject: string, count: number) =>
    tailStream(jsm, jetstream(nc), { stream, filterSubject, count }).then((msgs) =>
      msgs.map((m) => m.string()),
    );

  it('reads the last N of a busy subject from near the end', async () => {
    const busy = Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 431 !== 0);
    expect(await tail('t.busy.>', 10)).toEqual(busy.slice(-10).map(String));
  });

  it('finds the last N of a sparse subject far back, and all of them when there are fewer', async () => {
    const quiet = Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 431 === 0);
    expect(await tail('t.quiet.>', 3)).toEqual(quiet.slice(-3).map(String));
    expect(await tail('t.quiet.>', 100)).toEqual(quiet.map(String));
    expect(await tail('t.none.>', 5)).toEqual([]);
  });

  it('leaves no consumer behind', async () => {
    await tail('t.busy.>', 50);
    const consumers = await jsm.consumers.list(stream).next();
    expect(consumers).toHaveLength(0);
  });
});
