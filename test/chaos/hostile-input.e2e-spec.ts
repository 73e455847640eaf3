import fc from 'fast-check';
import { request } from 'undici';
import { waitFor } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';
import { eventId } from './chaos.support';

interface Created {
  id: string;
  secret: string;
  name: string;
  metadata: Record<string, unknown>;
}

const PUBLIC_URL = 'https://example.com/hooks';

/** Refused at create time whatever spelling names a local, private or metadata address. */
const FORBIDDEN_HOSTS = [
  '127.0.0.1',
  'localhost',
  '[::1]',
  '[::ffff:127.0.0.1]',
  '2130706433',
  '0x7f.1',
  '0.0.0.0',
  '169.254.169.254',
  '10.0.0.1',
  '100.64.0.1',
  '[fc00::1]',
  '[fe80::1]',
];

const BAD_URLS = [
  'https://user:password@example.com/hooks',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'https://example.com/hooks\r\nX-Injected: 1',
  `https://example.com/${'a'.repeat(10_000)}`,
];

const BAD_HEADERS: Array<Record<string, string>> = [
  { 'webhook-signature': 'v1,forged' },
  { 'webhook-id': 'forged' },
  { host: 'internal.example' },
  { 'content-length': '1' },
  { 'x-ok': 'a\r\nx-injected: 1' },
  { 'x-bad\r\nname': 'a' },
];

const BAD_PATTERNS = [
  'workflow..completed',
  'work*flow.completed',
  'workflow.>.completed',
  'wörkflow.completed',
  `${'a.'.repeat(200)}b`,
  '',
];

const HOSTILE_TEXT = [
  "'; DROP TABLE subscriptions; --",
  "' OR '1'='1",
  '__proto__',
  'constructor',
  '{"__proto__":{"polluted":true}}',
];

/** Bad input is refused with 4xx or stored as sent; never a 5xx, never another organization's data. */
describe('hostile input', () => {
  let stack: Stack;
  let owner: Tenant;
  let stranger: Tenant;
  let mine: Created;
  let dispatchId: string;

  beforeAll(async () => {
    // No allow-list and no plain HTTP: the production address rules.
    stack = await startStack({ DELIVERY_ALLOWED_TARGETS: '', DELIVERY_ALLOW_HTTP: 'false' });
    [owner, stranger] = await Promise.all([stack.tenant('Owner'), stack.tenant('Stranger')]);
    const created = await owner.call<Created>('POST', '/webhooks', {
      name: 'mine',
      url: PUBLIC_URL,
      events: ['workflow.*'],
    });
    expect(created.status).toBe(201);
    mine = created.body;
    await waitFor('a dispatch of the owner', async () => {
      const published = await owner.call('POST', '/events', {
        id: eventId('owned'),
        type: 'workflow.completed',
        occurredAt: new Date().toISOString(),
        data: { workflow_id: 'wf_owned', status: 'completed' },
      });
      expect(published.status).toBe(202);
      const list = await owner.call<{ data: { items: Array<{ id: string }> } }>(
        'GET',
        `/v2/webhooks/${mine.id}/dispatches`,
      );
      dispatchId = list.body?.data?.items?.[0]?.id ?? '';
      return dispatchId !== '';
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  const create = (fields: Record<string, unknown>) =>
    owner.call<{ error?: { type: string } }>('POST', '/webhooks', {
      name: 'hostile',
      url: PUBLIC_URL,
      events: ['workflow.completed'],
      ...fields,
    });

  it.each(FORBIDDEN_HOSTS)('refuses https://%s at create and update', async (host) => {
    const url = `https://${host}/hooks`;
    expect((await create({ url })).status).toBe(400);
    expect((await owner.call('PATCH', `/webhooks/${mine.id}`, { url })).status).toBe(400);
  });

  it.each(BAD_URLS.map((u) => [JSON.stringify(u).slice(0, 60), u]))('refuses the URL %s', async (_, url) => {
    expect((await create({ url })).status).toBe(400);
  });

  it.each(BAD_HEADERS.map((h) => [JSON.stringify(h), h]))(
    'refuses the custom headers %s',
    async (_, headers) => {
      expect((await create({ headers })).status).toBe(400);
    },
  );

  it.each(BAD_PATTERNS.map((p) => [p.slice(0, 40), p]))(
    'refuses the event pattern "%s"',
    async (_, pattern) => {
      expect((await create({ events: [pattern] })).status).toBe(400);
    },
  );

  it.each(HOSTILE_TEXT)('stores %j verbatim in text fields or refuses it, never a 5xx', async (text) => {
    const res = await owner.call<Created>('POST', '/webhooks', {
      name: text,
      url: PUBLIC_URL,
      events: ['workflow.completed'],
      metadata: { [text]: text, note: text },
    });
    expect([201, 400]).toContain(res.status);
    if (res.status === 201) {
      const read = await owner.call<Created>('GET', `/webhooks/${res.body.id}`);
      expect(read.body.name).toBe(text);
      expect(Object.entries(read.body.metadata)).toEqual(
        expect.arrayContaining([
          [text, text],
          ['note', text],
        ]),
      );
    }
    const lookups = await Promise.all([
      owner.call('GET', `/webhooks/${encodeURIComponent(text)}`),
      owner.call('GET', `/webhooks/${encodeURIComponent(text)}/logs`),
      owner.call('GET', `/v2/webhook-dispatches/${encodeURIComponent(text)}`),
      owner.call('GET', `/webhooks/logs/all?eventType=${encodeURIComponent(text)}`),
    ]);
    for (const lookup of lookups) expect(lookup.status).toBeLessThan(500);
    const event = await owner.call('POST', '/events', {
      id: eventId('hostile'),
      type: 'workflow.completed',
      occurredAt: new Date().toISOString(),
      data: { workflow_id: text, status: 'completed', [text]: text },
    });
    expect(event.status).toBeLessThan(500);
    // Nothing leaked onto shared prototypes of the service either.
    expect((await owner.call<{ total: number }>('GET', '/webhooks')).status).toBe(200);
  });

  it('answers 413 to an oversized event and an oversized API body, and stores neither', async () => {
    const id = eventId('huge');
    const huge = await owner.call('POST', '/events', {
      id,
      type: 'workflow.completed',
      occurredAt: new Date().toISOString(),
      data: { workflow_id: 'x'.repeat(300 * 1024), status: 'completed' },
    });
    expect(huge.status).toBe(413);
    const body = await owner.call('POST', '/webhooks', {
      name: 'big',
      url: PUBLIC_URL,
      events: ['workflow.*'],
      metadata: { blob: 'x'.repeat(5 * 1024 * 1024) },
    });
    expect(body.status).toBe(413);
    const list = await owner.call<{ items: Array<{ name: string }> }>('GET', '/webhooks?limit=100');
    expect(list.body.items.map((s) => s.name)).not.toContain('big');
  });

  it("never serves another organization's records, nor anything without a key (property)", async () => {
    const routes: Array<{ method: string; path: () => string; body?: unknown; list?: boolean }> = [
      { method: 'GET', path: () => `/webhooks/${mine.id}` },
      { method: 'PATCH', path: () => `/webhooks/${mine.id}`, body: { name: 'taken over' } },
      { method: 'DELETE', path: () => `/webhooks/${mine.id}` },
      { method: 'POST', path: () => `/webhooks/${mine.id}/test`, body: {} },
      { method: 'POST', path: () => `/webhooks/${mine.id}/rotate-secret`, body: {} },
      {
        method: 'POST',
        path: () => `/webhooks/${mine.id}/replay`,
        body: { since: new Date(0).toISOString() },
      },
      { method: 'GET', path: () => `/webhooks/${mine.id}/logs` },
      { method: 'GET', path: () => `/v2/webhooks/${mine.id}/dispatches` },
      { method: 'GET', path: () => `/v2/webhook-dispatches/${dispatchId}` },
      { method: 'POST', path: () => `/webhook-dispatches/${dispatchId}/retry`, body: {} },
      { method: 'GET', path: () => '/webhooks', list: true },
      { method: 'GET', path: () => '/webhooks/logs/all', list: true },
      { method: 'GET', path: () => '/v2/webhook-dispatches', list: true },
      { method: 'GET', path: () => '/event-types', list: true },
      {
        method: 'POST',
        path: () => '/webhooks',
        body: { name: 'x', url: PUBLIC_URL, events: ['workflow.*'] },
        list: true,
      },
      {
        method: 'POST',
        path: () => '/events',
        body: { id: 'evt_x', type: 'workflow.completed', data: {} },
        list: true,
      },
    ];
    const credentials = fc.constantFrom<'stranger' | 'none' | 'garbage' | 'wrong-org-header'>(
      'stranger',
      'none',
      'garbage',
      'wrong-org-header',
    );

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), credentials, async (route, credential) => {
        const headers: Record<string, string> =
          route.body === undefined ? {} : { 'content-type': 'application/json' };
        if (credential === 'stranger') headers.authorization = `Bearer ${stranger.apiKey}`;
        if (credential === 'garbage')
          headers.authorization = 'Bearer hs_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
        if (credential === 'wrong-org-header') {
          headers.authorization = `Bearer ${stranger.apiKey}`;
          headers['x-organization-id'] = owner.organizationId;
        }
        const res = await request(`${stack.apiUrl}${route.path()}`, {
          method: route.method as 'GET',
          headers,
          body: route.body === undefined ? null : JSON.stringify(route.body),
        });
        const text = await res.body.text();
        if (credential === 'none' || credential === 'garbage') return res.statusCode === 401;
        if (credential === 'wrong-org-header') return res.statusCode === 403 || res.statusCode === 404;
        if (route.list) return res.statusCode < 500 && !text.includes(mine.id) && !text.includes(dispatchId);
        return res.statusCode === 404;
      }),
      { numRuns: 60 },
    );
    // The owner's subscription came through unchanged.
    const still = await owner.call<Created>('GET', `/webhooks/${mine.id}`);
    expect(still.status).toBe(200);
    expect(still.body.name).toBe('mine');
  });

  it('never returns the signing secret after create', async () => {
    const created = await owner.call<Created>('POST', '/webhooks', {
      name: 'secretive',
      url: PUBLIC_URL,
      events: ['workflow.*'],
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret;
    const material = secret.replace(/^whsec_/, '');
    const paths = [
      `/webhooks/${created.body.id}`,
      '/webhooks?limit=100',
      `/webhooks/${created.body.id}/logs`,
      '/webhooks/logs/all',
      `/v2/webhooks/${created.body.id}/dispatches`,
      '/v2/webhook-dispatches',
    ];
    // The projector knows a subscription from its first dispatch on: publish until its reads answer.
    let responses: Array<{ path: string; status: number; body: unknown }> = [];
    await waitFor(
      'every read answers',
      async () => {
        await owner.call('POST', '/events', {
          id: eventId('secretive'),
          type: 'workflow.completed',
          occurredAt: new Date().toISOString(),
          data: { workflow_id: 'wf_secretive', status: 'completed' },
        });
        responses = await Promise.all(
          paths.map(async (path) => ({ path, ...(await owner.call('GET', path)) })),
        );
        return responses.every((r) => r.status === 200);
      },
      20_000,
    );
    for (const res of responses) expect(JSON.stringify(res.body)).not.toContain(material);
  });
});
