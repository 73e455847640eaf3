import {
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from './testing/subscriptions.fixture';

describe('Idempotency-Key on the POST routes', () => {
  let f: SubscriptionsFixture;
  let tenant: { key: string; organizationId: string };

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
    tenant = await f.tenant();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  let counter = 0;
  const freshKey = () => `key-${process.pid}-${counter++}`;
  const post = (path: string, key: string, body: unknown, as = tenant) =>
    f.call('POST', path, { key: as.key, body, headers: { 'idempotency-key': key } });
  const count = async (as = tenant) =>
    (await f.call('GET', '/webhooks', { key: as.key })).body.total as number;

  it('answers the same key and body with the first answer, creating one subscription', async () => {
    const key = freshKey();
    const body = subscriptionBody({ name: 'once' });
    const first = await post('/webhooks', key, body);
    const again = await post('/webhooks', key, body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect([again.status, again.body, again.headers['idempotent-replayed']]).toEqual([
      201,
      first.body,
      'true',
    ]);
    expect(await count()).toBe(1);
  });

  it('refuses the same key with another body (409), and another organization has its own keys', async () => {
    const key = freshKey();
    expect((await post('/webhooks', key, subscriptionBody({ name: 'a' }))).status).toBe(201);
    const other = await post('/webhooks', key, subscriptionBody({ name: 'b' }));
    expect([other.status, other.body.error.type]).toEqual([409, 'idempotency_key_reused']);
    const stranger = await f.tenant('Other');
    const theirs = await post('/webhooks', key, subscriptionBody({ name: 'b' }), stranger);
    expect(theirs.status).toBe(201);
    expect(await count(stranger)).toBe(1);
  });

  it('lets concurrent duplicates create one subscription only', async () => {
    const as = await f.tenant('Concurrent');
    const key = freshKey();
    const body = subscriptionBody({ name: 'raced' });
    const replies = await Promise.all(Array.from({ length: 8 }, () => post('/webhooks', key, body, as)));
    const created = replies.filter((reply) => reply.status === 201);
    const busy = replies.filter((reply) => reply.status === 409);
    expect(created.length + busy.length).toBe(8);
    expect(new Set(created.map((reply) => reply.body.id as string)).size).toBe(1);
    for (const reply of busy) expect(reply.body.error.type).toBe('idempotency_key_in_use');
    expect(await count(as)).toBe(1);
  });

  it('stores nothing for a refused request: the key may be used again', async () => {
    const as = await f.tenant('Refused');
    const key = freshKey();
    const refused = await post('/webhooks', key, subscriptionBody({ name: '' }), as);
    expect(refused.status).toBe(400);
    const fixed = await post('/webhooks', key, subscriptionBody({ name: 'fixed' }), as);
    expect(fixed.status).toBe(201);
    expect(await count(as)).toBe(1);
  });

  it('replays POST /events: an event without id gets one, stored once', async () => {
    const key = freshKey();
    const event = { type: 'TEST', occurredAt: new Date().toISOString(), data: { message: 'x' } };
    const first = await post('/events', key, event);
    const again = await post('/events', key, event);
    expect(first.status).toBe(202);
    expect(first.body.id).toMatch(/^evt_/);
    expect(again.body).toEqual(first.body);
    const withoutKey = await f.call('POST', '/events', { key: tenant.key, body: event });
    expect(withoutKey.body.id).not.toBe(first.body.id);
  });

  it('refuses a malformed key', async () => {
    const reply = await post('/webhooks', 'with space', subscriptionBody());
    expect([reply.status, reply.body.error.fields]).toEqual([
      400,
      [{ path: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters' }],
    ]);
  });

  it('keeps the admin API idempotent too', async () => {
    const key = freshKey();
    const body = { name: 'Idempotent org' };
    const headers = { authorization: 'Bearer test-admin-token-0123456789', 'idempotency-key': key };
    const first = await f.call('POST', '/admin/organizations', { body, headers });
    const again = await f.call('POST', '/admin/organizations', { body, headers });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });
});
