import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, type NatsServer } from '@hookstream/testing';
import { sampleDataOf } from '../catalog';
import { EventPublisher, EventRejectedError } from './event-publisher';

describe('EventPublisher (upstream services publishing straight to JetStream)', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    await (await jetstreamManager(nc)).streams.add({ name: 'EVENTS', subjects: ['events.>'] });
    js = jetstream(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  const event = (id: string) => ({
    id,
    type: 'run_completed',
    organizationId: 'org_upstream',
    occurredAt: '2026-11-23T10:00:00.000Z',
    data: sampleDataOf('run_completed') as Record<string, unknown>,
  });

  it('stores an event once under its subject, however often it is published', async () => {
    const publisher = new EventPublisher(js);
    const first = await publisher.publish(event('evt_up_1'));
    const again = await publisher.publish(event('evt_up_1'));
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    const stored = await (await jetstreamManager(nc)).streams.getMessage('EVENTS', { seq: first.seq });
    expect(stored?.subject).toBe('events.org_upstream.run_completed');
    expect(stored?.json<{ id: string }>().id).toBe('evt_up_1');
  });

  it('refuses, before sending anything, an event whose data fails its schema', async () => {
    const publisher = new EventPublisher(js);
    const bad = { ...event('evt_up_bad'), data: { status: 'success' } };
    await expect(publisher.publish(bad)).rejects.toBeInstanceOf(EventRejectedError);
    const info = await (await jetstreamManager(nc)).streams.info('EVENTS');
    expect(info.state.messages).toBe(1);
  });
});
