import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, waitFor, type NatsServer } from '@hookstream/testing';
import { connectNats, natsConnectionHealth } from './connection';
import { ConsumerRunner } from './consumer';
import { Outcome } from './outcome';
import { Publisher } from './publisher';

jest.setTimeout(120_000);

describe('recovery after a nats-server crash (no process restart)', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let runner: ConsumerRunner;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ servers: nats.url, name: 'restart-int-spec' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    runner = new ConsumerRunner(js, { jsm, nc });
    await jsm.streams.add({ name: 'WORK', subjects: ['work.>'] });
    await jsm.streams.add({ name: 'TABLE', subjects: ['table.>'] });
    await jsm.streams.add({ name: 'LOST', subjects: ['lost.>'] });
  });

  afterAll(async () => {
    await runner?.stopAll(1_000);
    await nc?.close();
    await nats?.dispose();
  });

  it('resumes the durable consumer and the ordered stream after kill -9 and restart', async () => {
    const publisher = new Publisher(js);
    const handled: string[] = [];
    const table = new Map<string, string>();
    const consumer = runner.start({
      stream: 'WORK',
      durable: 'worker',
      filterSubject: 'work.>',
      ackWaitMs: 10_000,
      maxAckPending: 100,
      concurrency: 4,
      handler: async (msg) => (handled.push(msg.string()), Outcome.ack()),
    });
    const routes = runner.ordered({
      stream: 'TABLE',
      filterSubject: 'table.>',
      deliverPolicy: 'last_per_subject',
      onMessage: (msg) => void table.set(msg.subject, msg.string()),
    });
    await consumer.started;
    await routes.caughtUp;
    await publisher.publish('work.item', 'before', { msgId: 'w1' });
    await publisher.publish('table.org.sub', 'v1', { msgId: 't1' });
    await waitFor('messages before the crash', async () => handled.includes('before') && table.size === 1);

    await nats.kill();
    await waitFor('the outage to be seen', async () => !natsConnectionHealth(nc).healthy);
    await nats.restart();

    await publisher.publish('work.item', 'after', { msgId: 'w2' });
    await publisher.publish('table.org.sub', 'v2', { msgId: 't2' });
    await waitFor('the durable consumer to resume', async () => handled.includes('after'), 90_000);
    await waitFor('the ordered stream to resume', async () => table.get('table.org.sub') === 'v2', 90_000);
    expect(handled).toEqual(['before', 'after']);
    await waitFor('healthy again', async () => runner.health().healthy && natsConnectionHealth(nc).healthy);
  });

  it('recreates a durable consumer that the restarted server no longer has', async () => {
    const publisher = new Publisher(js);
    const handled: string[] = [];
    const consumer = runner.start({
      stream: 'LOST',
      durable: 'worker',
      filterSubject: 'lost.>',
      ackWaitMs: 10_000,
      maxAckPending: 100,
      concurrency: 2,
      handler: async (msg) => (handled.push(msg.string()), Outcome.ack()),
    });
    await consumer.started;
    await publisher.publish('lost.item', 'before', { msgId: 'l1' });
    await waitFor('the first message', async () => handled.includes('before'));

    await nats.kill();
    // The consumer's state on disk, as after a lost volume: the stream survives, the consumer does not.
    const consumerDir = join(nats.storeDir, 'jetstream', '$G', 'streams', 'LOST', 'obs', 'worker');
    expect(existsSync(consumerDir)).toBe(true);
    await rm(consumerDir, { recursive: true });
    await nats.restart();

    await publisher.publish('lost.item', 'after', { msgId: 'l2' });
    await waitFor('the recreated consumer', async () => handled.includes('after'), 90_000);
    expect((await jsm.consumers.info('LOST', 'worker')).config.filter_subject).toBe('lost.>');
  });
});
