/* eslint-disable @typescript-eslint/no-explicit-any -- stored messages are arbitrary JSON */
import { type ServiceError, status } from '@grpc/grpc-js';
import { BUILT_IN_EVENT_SAMPLES, subjects } from '@hookstream/contracts';
import {
  pluck,
  type SubscriptionsFixture,
  startSubscriptionsFixture,
} from '../testing/subscriptions.fixture';

describe('event ingest and catalog', () => {
  let f: SubscriptionsFixture;
  let counter = 0;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const event = (type: string, data: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
    id: `evt_${process.pid}_${Date.now()}_${counter++}`,
    type,
    occurredAt: '2026-11-23T10:00:00.000Z',
    data,
    ...overrides,
  });

  /** The value of one sample on /metrics, 0 when the series has none yet. */
  async function metric(name: string, labels: string): Promise<number> {
    const { text } = await f.call('GET', '/metrics');
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  }

  interface StoredEvent {
    subject: string;
    msgId: string;
    traceparent: string;
    body: any;
  }

  /** Messages stored on EVENTS for one organization, oldest first. */
  async function stored(organizationId: string): Promise<StoredEvent[]> {
    const info = await f.jsm.streams.info('EVENTS', {
      subjects_filter: subjects.eventFilter(organizationId, '*'),
    });
    const out: StoredEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await f.jsm.streams.getMessage('EVENTS', { seq }).catch(() => null);
      if (msg && msg.subject.startsWith(`events.${organizationId}.`))
        out.push({
          subject: msg.subject,
          msgId: msg.header.get('Nats-Msg-Id'),
          traceparent: msg.header.get('traceparent'),
          body: msg.json(),
        });
    }
    return out;
  }

  it('accepts each seed payload under its type and stores it with the event id as message id', async () => {
    const { key, organizationId } = await f.tenant();
    const types = Object.keys(BUILT_IN_EVENT_SAMPLES).filter((type) => type !== 'webhook.disabled');
    const events = types.map((type) =>
      event(type, BUILT_IN_EVENT_SAMPLES[type as keyof typeof BUILT_IN_EVENT_SAMPLES]),
    );
    const reply = await f.call('POST', '/events', { key, body: { events } });
    expect(reply.status).toBe(202);
    expect(reply.body.events).toEqual(events.map((e) => ({ id: e.id, duplicate: false })));
    const messages = await stored(organizationId);
    expect(messages.map((m) => m.subject)).toEqual(types.map((type) => subjects.event(organizationId, type)));
    expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
    expect(messages[0]!.body).toEqual({ ...events[0], organizationId });
  });

  it('collapses duplicates: the same id twice is one event', async () => {
    const { key, organizationId } = await f.tenant();
    const counted = () =>
      Promise.all([
        metric('hookstream_events_ingested_total', 'type="TEST",duplicate="false"'),
        metric('hookstream_events_ingested_total', 'type="TEST",duplicate="true"'),
      ]);
    const before = await counted();
    const one = event('workflow.completed', BUILT_IN_EVENT_SAMPLES['workflow.completed']);
    const first = await f.call('POST', '/events', { key, body: one });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: one.id, duplicate: false });
    const again = await f.call('POST', '/events', { key, body: one });
    expect(again.body).toEqual({ id: one.id, duplicate: true });
    const other = event('TEST', { message: 'x' });
    const batch = await f.call('POST', '/events', { key, body: { events: [one, other, other] } });
    expect(batch.body.events).toEqual([
      { id: one.id, duplicate: true },
      { id: other.id, duplicate: false },
      { id: other.id, duplicate: true },
    ]);
    expect((await stored(organizationId)).map((m) => m.msgId)).toEqual([one.id, other.id]);
    const after = await counted();
    expect([after[0] - before[0], after[1] - before[1]]).toEqual([1, 1]);
  });

  it('refuses invalid events with 400/403/413 and stores nothing of the request', async () => {
    const { key, organizationId } = await f.tenant();
    const reasons = ['unknown_type', 'invalid_data', 'too_large', 'invalid_batch'];
    const refused = () =>
      Promise.all(reasons.map((reason) => metric('hookstream_events_refused_total', `reason="${reason}"`)));
    const before = await refused();
    const good = event('TEST', { message: 'ok' });
    const { run_id: _runId, ...missingRunId } = BUILT_IN_EVENT_SAMPLES.run_completed as Record<
      string,
      unknown
    >;
    const cases: Array<[unknown, number, string]> = [
      [event('run_completed', missingRunId), 400, 'run_id'],
      [event('no.such.type', {}), 400, 'unknown event type'],
      [event('TEST', { message: 'x' }, { id: 'bad id!' }), 400, 'id must be'],
      [event('TEST', { message: 'x' }, { occurredAt: 'yesterday' }), 400, 'occurredAt'],
      [event('TEST', { message: 'x' }, { extra: 1 }), 400, 'unknown field'],
      [event('TEST', { message: 'x' }, { organizationId: 'org_someone_else' }), 403, 'organizationId'],
      [event('webhook.disabled', BUILT_IN_EVENT_SAMPLES['webhook.disabled']), 400, 'published by Hookstream'],
      [event('TEST', { blob: 'x'.repeat(300 * 1024) }), 413, 'over the limit'],
      [{ events: Array.from({ length: 101 }, () => good) }, 400, 'at most 100'],
      [{ events: [] }, 400, 'at least one'],
      [[1, 2], 400, 'JSON object'],
    ];
    for (const [body, code, message] of cases) {
      const reply = await f.call('POST', '/events', { key, body });
      expect([reply.status, reply.body?.error?.message]).toEqual([code, expect.stringContaining(message)]);
    }
    const mixed = await f.call('POST', '/events', {
      key,
      body: { events: [good, event('no.such.type', {})] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain('events[1]');
    const badJson = await f.call('POST', '/events', { key, rawBody: '{"id": "evt_1", ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.type).toBe('invalid_json');
    expect(await stored(organizationId)).toEqual([]);
    const after = await refused();
    // unknown_type: the single event and the second of the mixed batch.
    expect(after.map((n, i) => n - before[i]!)).toEqual([2, 1, 1, 2]);
  });

  it('publishes over gRPC with the same rules', async () => {
    const { key, organizationId } = await f.tenant();
    const events = f.grpc('Events');
    const one = event('workflow.started', BUILT_IN_EVENT_SAMPLES['workflow.started']);
    const message = {
      id: one.id,
      type: one.type,
      occurred_at: one.occurredAt,
      data_json: JSON.stringify(one.data),
    };
    const reply = await events('Publish', { events: [message, message] }, { key });
    expect(reply.results).toEqual([
      { id: one.id, duplicate: false },
      { id: one.id, duplicate: true },
    ]);
    const refused = await events(
      'Publish',
      { events: [{ ...message, id: 'evt_x', type: 'nope' }] },
      { key },
    ).catch((e: unknown) => e as ServiceError);
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    const badData = await events('Publish', { events: [{ ...message, data_json: '[' }] }, { key }).catch(
      (e: unknown) => e as ServiceError,
    );
    expect(badData.code).toBe(status.INVALID_ARGUMENT);
    const unauthenticated = await events('Publish', { events: [message] }, {}).catch(
      (e: unknown) => e as ServiceError,
    );
    expect(unauthenticated.code).toBe(status.UNAUTHENTICATED);
    expect((await stored(organizationId)).map((m) => m.msgId)).toEqual([one.id]);
  });

  it("stores the caller's traceparent with each event, over HTTP and gRPC, and drops a malformed one", async () => {
    const { key, organizationId } = await f.tenant();
    const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = event('TEST', { message: 'traced' });
    const batch = [event('TEST', { message: 'a' }), event('TEST', { message: 'b' })];
    const malformed = event('TEST', { message: 'malformed' });
    const untraced = event('TEST', { message: 'none' });
    const viaGrpc = event('TEST', { message: 'grpc' });
    const post = (body: unknown, traceparent?: string) =>
      f.call('POST', '/events', { key, body, headers: traceparent ? { traceparent } : {} });
    expect((await post(traced, trace)).status).toBe(202);
    expect((await post({ events: batch }, trace)).status).toBe(202);
    expect((await post(malformed, 'not-a-trace\tcontext')).status).toBe(202);
    expect((await post(untraced)).status).toBe(202);
    await f.grpc('Events')(
      'Publish',
      {
        events: [
          { id: viaGrpc.id, type: 'TEST', occurred_at: viaGrpc.occurredAt, data_json: '{"message":"grpc"}' },
        ],
      },
      { key, metadata: { traceparent: trace } },
    );
    const traces = Object.fromEntries((await stored(organizationId)).map((m) => [m.msgId, m.traceparent]));
    expect(traces).toEqual({
      [traced.id]: trace,
      [batch[0]!.id]: trace,
      [batch[1]!.id]: trace,
      [malformed.id]: '',
      [untraced.id]: '',
      [viaGrpc.id]: trace,
    });
  });

  it('lists built-in and custom event types and validates events of a custom type', async () => {
    const a = await f.tenant('A');
    const b = await f.tenant('B');
    const schema = { type: 'object', required: ['invoiceId'], properties: { invoiceId: { type: 'string' } } };
    const registered = await f.call('POST', '/event-types', {
      key: a.key,
      body: { name: 'invoice.paid', description: 'Paid.', schema },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ name: 'invoice.paid', description: 'Paid.', schema, builtIn: false });
    const again = await f.call('POST', '/event-types', {
      key: a.key,
      body: { name: 'invoice.paid', schema },
    });
    expect(again.status).toBe(409);
    const builtIn = await f.call('POST', '/event-types', { key: a.key, body: { name: 'TEST', schema } });
    expect(builtIn.status).toBe(409);
    const invalid = await f.call('POST', '/event-types', {
      key: a.key,
      body: { name: 'x.y', schema: { type: 'nonsense' } },
    });
    expect(invalid.status).toBe(400);

    const listA = pluck((await f.call('GET', '/event-types', { key: a.key })).body.items, 'name');
    expect(listA).toContain('workflow.completed');
    expect(listA).toContain('invoice.paid');
    const listB = pluck((await f.call('GET', '/event-types', { key: b.key })).body.items, 'name');
    expect(listB).not.toContain('invoice.paid');

    expect(
      (await f.call('POST', '/events', { key: a.key, body: event('invoice.paid', { invoiceId: 'inv_1' }) }))
        .status,
    ).toBe(202);
    expect((await f.call('POST', '/events', { key: a.key, body: event('invoice.paid', {}) })).status).toBe(
      400,
    );
    expect(
      (await f.call('POST', '/events', { key: b.key, body: event('invoice.paid', { invoiceId: 'inv_1' }) }))
        .status,
    ).toBe(400);

    const grpcTypes = await f.grpc('Events')<{ items: Array<{ name: string }> }>(
      'ListEventTypes',
      {},
      { key: a.key },
    );
    expect(grpcTypes.items.find((t) => t.name === 'invoice.paid')).toMatchObject({ built_in: false });
    const grpcRegistered = await f.grpc('Events')(
      'RegisterEventType',
      { name: 'invoice.refunded', description: '', schema_json: '{"type":"object"}' },
      { key: a.key },
    );
    expect(grpcRegistered).toMatchObject({ name: 'invoice.refunded', built_in: false });
  });
});
