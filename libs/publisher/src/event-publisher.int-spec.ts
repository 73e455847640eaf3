import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, type NatsServer } from '@hookstream/testing';
import { sampleDataOf } from '@hookstream/contracts';
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

  it('stores a well-formed traceparent with the event and drops a malformed one', async () => {
    const publisher = new EventPublisher(js);
    const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = await publisher.publish(event('evt_up_traced'), { traceparent: trace });
    const malformed = await publisher.publish(event('evt_up_malformed'), { traceparent: 'x-y-z' });
    const jsm = await jetstreamManager(nc);
    const header = async (seq: number) =>
      (await jsm.streams.getMessage('EVENTS', { seq }))?.header?.get('traceparent') ?? '';
    expect(await header(traced.seq)).toBe(trace);
    expect(await header(malformed.seq)).toBe('');
  });

  it('refuses, before sending anything, an event whose data fails its schema', async () => {
    const publisher = new EventPublisher(js);
    const bad = { ...event('evt_up_bad'), data: { status: 'success' } };
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info('EVENTS')).state.messages;
    await expect(publisher.publish(bad)).rejects.toBeInstanceOf(EventRejectedError);
    expect((await jsm.streams.info('EVENTS')).state.messages).toBe(before);
  });
});
