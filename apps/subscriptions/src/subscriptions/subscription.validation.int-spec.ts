import {
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from '../testing/subscriptions.fixture';

describe('subscription validation over HTTP: each rule answers 400 and writes nothing', () => {
  let f: SubscriptionsFixture;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const long = (n: number) => 'x'.repeat(n);
  const manyHeaders = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v']));
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['missing name', { name: undefined }, 'name'],
    ['empty name', { name: '' }, 'name'],
    ['name over 255', { name: long(256) }, 'name'],
    ['url over 2048', { url: `https://example.com/${long(2048)}` }, 'url'],
    ['plain http', { url: 'http://example.com/hooks' }, 'https'],
    ['credentials in the url', { url: 'https://user:pass@example.com/hooks' }, 'username or password'],
    ['loopback address', { url: 'https://127.0.0.1/hooks' }, 'not allowed'],
    ['localhost', { url: 'https://localhost/hooks' }, 'localhost'],
    ['private address', { url: 'https://10.1.2.3/hooks' }, 'not allowed'],
    ['link-local metadata address', { url: 'https://169.254.169.254/latest' }, 'not allowed'],
    ['IPv6 loopback', { url: 'https://[::1]/hooks' }, 'not allowed'],
    ['not a url', { url: 'example.com/hooks' }, 'absolute URL'],
    ['no events', { events: [] }, 'events'],
    ['over 100 events', { events: Array.from({ length: 101 }, () => 'workflow.completed') }, 'events'],
    ['malformed pattern', { events: ['workflow..completed'] }, 'empty segment'],
    ['pattern of no registered type', { events: ['invoice.paid'] }, 'matches no registered event type'],
    ['secret over 255', { secret: long(256) }, 'secret'],
    ['secret too short', { secret: 'short' }, 'secret'],
    ['21 custom headers', { headers: manyHeaders }, 'at most 20'],
    ['Host header', { headers: { Host: 'evil.example' } }, 'reserved'],
    ['Content-Type header', { headers: { 'Content-Type': 'text/plain' } }, 'reserved'],
    ['Transfer-Encoding header', { headers: { 'Transfer-Encoding': 'chunked' } }, 'reserved'],
    ['Connection header', { headers: { Connection: 'close' } }, 'reserved'],
    ['Proxy-* header', { headers: { 'Proxy-Authorization': 'x' } }, 'reserved'],
    ['webhook-* header', { headers: { 'webhook-signature': 'v1,x' } }, 'reserved'],
    ['X-Webhook-Signature header', { headers: { 'X-Webhook-Signature': 'x' } }, 'reserved'],
    ['X-Webhooks-* header', { headers: { 'X-Webhooks-Id': 'x' } }, 'reserved'],
    ['CR/LF in a header value', { headers: { 'X-Team': 'a\r\nInjected: yes' } }, 'line breaks'],
    ['header value not a string', { headers: { 'X-Team': 1 } }, 'string value'],
    ['template rendering invalid JSON', { payloadTemplate: '{"type": {{eventType}}' }, 'payloadTemplate'],
    ['unknown profile', { profile: 'custom' }, 'profile'],
    ['bad retry schedule', { retryPolicy: { schedule: ['soon'] } }, 'retryPolicy'],
    ['timeout below 1 s', { timeoutMs: 10 }, 'timeoutMs'],
    ['unknown field', { colour: 'blue' }, 'colour should not exist'],
    ['null name', { name: null }, 'name'],
  ];

  let tenant: { key: string; organizationId: string };
  beforeAll(async () => {
    tenant = await f.tenant();
  });

  it.each(cases)('refuses %s', async (_what, overrides, message) => {
    const reply = await f.call('POST', '/webhooks', { key: tenant.key, body: subscriptionBody(overrides) });
    expect(reply.status).toBe(400);
    expect(reply.body.error.type).toBe('validation_failed');
    expect(reply.body.error.message).toContain(message);
  });

  it('names each invalid field once, with the first rule it breaks', async () => {
    const body = subscriptionBody({ name: '', events: 'workflow.completed', url: 'http://example.com/h' });
    const reply = await f.call('POST', '/webhooks', { key: tenant.key, body });
    expect(reply.body.error.fields).toEqual([
      { path: 'name', message: 'name must be longer than or equal to 1 characters' },
      { path: 'events', message: 'events must be an array' },
    ]);
    const rules = await f.call('POST', '/webhooks', {
      key: tenant.key,
      body: subscriptionBody({ url: 'http://example.com/h', events: ['invoice.paid'] }),
    });
    const fields = rules.body.error.fields as Array<{ path: string }>;
    expect(fields.map((field) => field.path)).toEqual(['url', 'events']);
  });

  it('refuses the same rules on update, leaving the subscription unchanged', async () => {
    const created = await f.call('POST', '/webhooks', { key: tenant.key, body: subscriptionBody() });
    const id = created.body.id as string;
    for (const [, overrides] of cases) {
      if (Object.prototype.hasOwnProperty.call(overrides, 'name') && overrides.name === undefined) continue;
      const reply = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: overrides });
      expect([reply.status, reply.body.error?.type]).toEqual([400, 'validation_failed']);
    }
    expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body).toEqual({
      ...created.body,
      secret: undefined,
      circuit: { state: 'closed', since: null, consecutiveFailures: 0, nextProbeAt: null, reason: null },
    });
    await f.call('DELETE', `/webhooks/${id}`, { key: tenant.key });
  });

  it('refuses malformed JSON with the error body', async () => {
    const reply = await f.call('POST', '/webhooks', { key: tenant.key, rawBody: '{"name": "x",' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.type).toBe('invalid_json');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const reply = await f.call('POST', '/webhooks', {
      key: tenant.key,
      body: subscriptionBody({ metadata: { blob: 'x'.repeat(1024 * 1024) } }),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error.type).toBe('payload_too_large');
  });

  it('wrote no row and no outbox entry for any refused request', async () => {
    const rows = await f.db.query('SELECT count(*)::int AS n FROM subscriptions WHERE organization_id = $1', [
      tenant.organizationId,
    ]);
    const outbox = await f.db.query(
      'SELECT count(*)::int AS n FROM subscription_outbox WHERE organization_id = $1',
      [tenant.organizationId],
    );
    expect(rows.rows[0].n).toBe(0);
    // The update test created and deleted one subscription: two facts, nothing from the refusals.
    expect(outbox.rows[0].n).toBe(2);
  });

  it('accepts an Authorization header, a given secret and a custom event type', async () => {
    const type = await f.call('POST', '/event-types', {
      key: tenant.key,
      body: { name: 'invoice.paid', description: 'An invoice was paid.', schema: { type: 'object' } },
    });
    expect(type.status).toBe(201);
    const reply = await f.call('POST', '/webhooks', {
      key: tenant.key,
      body: subscriptionBody({
        events: ['invoice.*'],
        secret: 'a-static-secret',
        headers: { Authorization: 'Basic abc' },
      }),
    });
    expect(reply.status).toBe(201);
    expect(reply.body.secret).toBe('a-static-secret');
  });
});
