import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { STREAMS, subjects } from '@hookstream/contracts';
import { HealthRegistry } from '@hookstream/platform';
import { startNats, waitFor, type NatsServer } from '@hookstream/testing';
import { ConsumerRunner } from './consumer';
import { MessagingModule } from './messaging.module';
import { JETSTREAM, JETSTREAM_MANAGER, NATS_CONNECTION } from './messaging.tokens';
import { Outcome } from './outcome';
import { Publisher } from './publisher';

jest.setTimeout(120_000);

@Global()
@Module({ providers: [HealthRegistry], exports: [HealthRegistry] })
class HealthModule {}

describe('MessagingModule (real nats-server)', () => {
  let nats: NatsServer;

  beforeAll(async () => {
    nats = await startNats();
  });

  afterAll(async () => {
    await nats?.dispose();
  });

  async function boot(withHealth: boolean) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ...(withHealth ? [HealthModule] : []),
        MessagingModule.forRoot({
          servers: nats.url,
          name: 'module-int-spec',
          provision: { replicas: 1, eventsMaxAgeMs: 60_000, deliveriesMaxAgeMs: 60_000 },
          shutdownGraceMs: 10_000,
        }),
      ],
    }).compile();
    return moduleRef.init();
  }

  it('provides the connection, JetStream, the Publisher and provisions the streams', async () => {
    const app = await boot(true);
    const jsm = app.get<JetStreamManager>(JETSTREAM_MANAGER);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    expect(names.sort()).toEqual(Object.values(STREAMS).sort());

    const ack = await app
      .get(Publisher)
      .publish(subjects.event('org_mod', 'TEST'), { x: 1 }, { msgId: 'evt_mod_1' });
    expect(ack.seq).toBeGreaterThan(0);
    expect(app.get<JetStreamClient>(JETSTREAM)).toBeDefined();

    const report = await app.get(HealthRegistry).report();
    expect(report.checks.nats).toEqual({ ok: true, detail: expect.stringContaining('connected') });
    expect(report.checks.consumers?.ok).toBe(true);

    const nc = app.get<NatsConnection>(NATS_CONNECTION);
    await app.close();
    expect(nc.isClosed()).toBe(true);
  });

  it('boots without a health registry', async () => {
    const app = await boot(false);
    expect(app.get<NatsConnection>(NATS_CONNECTION).isClosed()).toBe(false);
    await app.close();
  });

  it('lets running handlers finish and acknowledge before the connection drains', async () => {
    const app = await boot(true);
    const subject = subjects.event('org_shutdown', 'TEST');
    let started = false;
    const consumer = app.get(ConsumerRunner).start({
      stream: STREAMS.events,
      durable: 'shutdown-spec',
      filterSubject: subjects.eventFilter('org_shutdown', '*'),
      ackWaitMs: 60_000,
      maxAckPending: 10,
      concurrency: 1,
      handler: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return Outcome.ack();
      },
    });
    await consumer.started;
    await app.get(Publisher).publish(subject, { x: 1 }, { msgId: 'evt_shutdown_1' });
    await waitFor('the handler', async () => started);

    await app.close();

    const other = await boot(false);
    const info = await other
      .get<JetStreamManager>(JETSTREAM_MANAGER)
      .consumers.info(STREAMS.events, 'shutdown-spec');
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBeGreaterThan(0);
    await other.close();
  });
});
