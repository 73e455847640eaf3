import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { Client as PgClient } from 'pg';
import { request } from 'undici';
import { STREAMS } from '@hookstream/contracts';
import { startReceiver, waitFor } from '@hookstream/testing';
import { isForbiddenAddress, secretKeyBytes } from '@hookstream/webhooks';
import { grpcClients, type GrpcAuth, type GrpcClients, type GrpcService } from '../support/grpc';
import { rawNats } from '../support/nats';
import { readLogs } from '../support/oracle';
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
/** Who calls in the tenancy properties: another organization's key, none, a made-up one, or the wrong organization header. */
const credentials = fc.constantFrom<'stranger' | 'none' | 'garbage' | 'wrong-org-header'>(
  'stranger',
  'none',
  'garbage',
  'wrong-org-header',
);

describe('hostile input', () => {
  let stack: Stack;
  let owner: Tenant;
  let stranger: Tenant;
  let mine: Created;
  let dispatchId: string;
  let grpc: GrpcClients;

  beforeAll(async () => {
    // No allow-list and no plain HTTP: the production address rules. Every log line, for the secret hunt.
    stack = await startStack({
      DELIVERY_ALLOWED_TARGETS: '',
      DELIVERY_ALLOW_HTTP: 'false',
      LOG_LEVEL: 'debug',
    });
    grpc = grpcClients(stack);
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
    grpc?.close();
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

  it('never connects to a hostname that resolves to loopback at send time', async () => {
    // This machine's own name passes every spelling rule at create time; only DNS says where it points.
    const ownName = hostname();
    const addresses = await lookup(ownName, { all: true });
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter(({ address }) => !isForbiddenAddress(address))).toEqual([]);
    const canary = await startReceiver();
    try {
      const tenant = await stack.tenant();
      const created = await tenant.call<Created>('POST', '/webhooks', {
        name: 'resolves to loopback',
        url: `https://${ownName}:${canary.port}/hooks`,
        events: ['workflow.completed'],
      });
      expect(created.status).toBe(201);
      let logs: Array<{ status: string; errorMessage: string | null }> = [];
      await waitFor('an attempt recorded', async () => {
        await tenant.call('POST', '/events', {
          id: eventId('loopback'),
          type: 'workflow.completed',
          occurredAt: new Date().toISOString(),
          data: { workflow_id: 'wf_loopback', status: 'completed' },
        });
        // Published until the first attempt is in the logs (the subscription is routed by then).
        logs = (await readLogs(tenant, [created.body.id]).catch(() => [])) as unknown as typeof logs;
        return logs.length > 0;
      });
      for (const entry of logs)
        expect(entry).toMatchObject({
          status: 'retrying',
          errorMessage: expect.stringMatching(/address .* is not allowed/),
        });
      expect(canary.connections()).toBe(0);
    } finally {
      await canary.close();
    }
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
      { method: 'POST', path: () => `/webhooks/${mine.id}/recover`, body: {} },
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

  it("never serves another organization's records over gRPC, nor anything without a key (property)", async () => {
    const ownType = `owner.private.t${Date.now()}`;
    const registered = await owner.call('POST', '/event-types', {
      name: ownType,
      description: 'only the owner may see it',
      schema: { type: 'object' },
    });
    expect(registered.status).toBe(201);
    type Route = { service: GrpcService; method: string; request: () => unknown; list?: boolean };
    const routes: Route[] = [
      { service: 'Subscriptions', method: 'Get', request: () => ({ id: mine.id }) },
      { service: 'Subscriptions', method: 'Update', request: () => ({ id: mine.id, name: 'taken over' }) },
      { service: 'Subscriptions', method: 'Delete', request: () => ({ id: mine.id }) },
      { service: 'Subscriptions', method: 'Test', request: () => ({ id: mine.id }) },
      { service: 'Subscriptions', method: 'RotateSecret', request: () => ({ id: mine.id }) },
      { service: 'Subscriptions', method: 'Recover', request: () => ({ id: mine.id }) },
      {
        service: 'Subscriptions',
        method: 'Replay',
        request: () => ({ id: mine.id, since: new Date(0).toISOString() }),
      },
      { service: 'Deliveries', method: 'ListLogs', request: () => ({ subscription_id: mine.id }) },
      { service: 'Deliveries', method: 'GetDispatch', request: () => ({ dispatch_id: dispatchId }) },
      { service: 'Subscriptions', method: 'List', request: () => ({ limit: 200 }), list: true },
      {
        service: 'Subscriptions',
        method: 'Create',
        request: () => ({ name: 'x', url: PUBLIC_URL, events: ['workflow.*'] }),
        list: true,
      },
      { service: 'Deliveries', method: 'ListLogs', request: () => ({ limit: 200 }), list: true },
      { service: 'Events', method: 'ListEventTypes', request: () => ({}), list: true },
      {
        service: 'Events',
        method: 'RegisterEventType',
        request: () => ({
          name: `stranger.t${Date.now()}`,
          description: '',
          schema_json: '{"type":"object"}',
        }),
        list: true,
      },
      {
        service: 'Events',
        method: 'Publish',
        request: () => ({
          events: [
            {
              id: eventId('grpc'),
              type: 'workflow.completed',
              occurred_at: new Date().toISOString(),
              data_json: '{"workflow_id":"wf_grpc"}',
            },
          ],
        }),
        list: true,
      },
    ];
    // Publishing into the owner's organization by naming it: refused, whatever the key.
    const intrusion: Route = {
      service: 'Events',
      method: 'Publish',
      request: () => ({
        events: [
          {
            id: eventId('intrusion'),
            type: 'workflow.completed',
            organization_id: owner.organizationId,
            occurred_at: new Date().toISOString(),
            data_json: '{"workflow_id":"wf_intrusion"}',
          },
        ],
      }),
    };
    const foreign = [mine.id, dispatchId, owner.organizationId, ownType];

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes, intrusion), credentials, async (route, credential) => {
        const auth: GrpcAuth = {};
        if (credential === 'stranger') auth.key = stranger.apiKey;
        if (credential === 'garbage') auth.key = 'hs_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
        if (credential === 'wrong-org-header') {
          auth.key = stranger.apiKey;
          auth.organization = owner.organizationId;
        }
        const reply = await grpc.unary(route.service, route.method, route.request(), auth);
        const seen = { route: `${route.service}.${route.method}`, credential, code: reply.code };
        if (credential === 'none' || credential === 'garbage')
          expect(seen).toEqual({ ...seen, code: status.UNAUTHENTICATED });
        else if (credential === 'wrong-org-header')
          expect([status.PERMISSION_DENIED, status.NOT_FOUND]).toContain(reply.code);
        else if (route === intrusion)
          expect([status.INVALID_ARGUMENT, status.PERMISSION_DENIED, status.NOT_FOUND]).toContain(reply.code);
        else if (route.list) {
          expect(seen).toEqual({ ...seen, code: status.OK });
          const text = JSON.stringify(reply.ok ? reply.value : null);
          expect(foreign.filter((f) => text.includes(f))).toEqual([]);
        } else expect(seen).toEqual({ ...seen, code: status.NOT_FOUND });
      }),
      { numRuns: 80 },
    );
    // The owner, through the same routes, sees what the stranger could not: the property is not vacuous.
    const own = { key: owner.apiKey };
    expect((await grpc.unary('Subscriptions', 'Get', { id: mine.id }, own)).code).toBe(status.OK);
    expect((await grpc.unary('Deliveries', 'GetDispatch', { dispatch_id: dispatchId }, own)).code).toBe(
      status.OK,
    );
    const types = await grpc.unary('Events', 'ListEventTypes', {}, own);
    expect(JSON.stringify(types)).toContain(ownType);
    const still = await owner.call<Created>('GET', `/webhooks/${mine.id}`);
    expect(still.body.name).toBe('mine');
  });

  it("streams no other organization's delivery outcomes over Deliveries.Watch, and nothing without a key", async () => {
    type Outcome = { dispatch_id: string; subscription_id: string };
    const watch = (auth: GrpcAuth) => {
      const stream = grpc.stream<Outcome>('Deliveries', 'Watch', {}, auth);
      const seen: Outcome[] = [];
      const ended = new Promise<number>((resolve) => {
        stream.on('data', (outcome: Outcome) => seen.push(outcome));
        stream.on('error', (error: { code: number }) => resolve(error.code));
        stream.on('end', () => resolve(status.OK));
      });
      return { stream, seen, ended };
    };
    const anonymous = watch({});
    expect(await anonymous.ended).toBe(status.UNAUTHENTICATED);
    const ownerWatch = watch({ key: owner.apiKey });
    const strangerWatch = watch({ key: stranger.apiKey });
    const strangerOwnId = watch({ key: stranger.apiKey, organization: owner.organizationId });
    expect(await strangerOwnId.ended).toBe(status.PERMISSION_DENIED);
    try {
      // The owner's test deliveries flow until its own watcher sees one of them.
      await waitFor('the owner sees its outcomes', async () => {
        expect((await owner.call('POST', `/webhooks/${mine.id}/test`, {})).status).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return ownerWatch.seen.some((o) => o.subscription_id === mine.id);
      });
      // The stranger's own dispatches (its subscriptions of the property above, failing and
      // retrying) may stream meanwhile: nothing else does.
      const strangers = new Set<string>();
      for (let offset = 0; ; offset += 200) {
        const page = await stranger.call<{ items: Array<{ id: string }>; total: number }>(
          'GET',
          `/webhooks?limit=200&offset=${offset}`,
        );
        for (const item of page.body.items) strangers.add(item.id);
        if (offset + 200 >= page.body.total) break;
      }
      expect(strangerWatch.seen.filter((o) => !strangers.has(o.subscription_id))).toEqual([]);
      expect(strangerWatch.seen.filter((o) => o.subscription_id === mine.id)).toEqual([]);
    } finally {
      ownerWatch.stream.cancel();
      strangerWatch.stream.cancel();
    }
  });

  it('never shows a signing secret in clear after create: API responses, logs, stored facts and rows', async () => {
    const tenant = await stack.tenant('Secretive');
    const unique = () => createHash('sha256').update(eventId('secret')).digest('hex').slice(0, 32);
    const body = (fields: Record<string, unknown>) => ({
      name: 'secretive',
      url: PUBLIC_URL,
      events: ['workflow.*'],
      ...fields,
    });
    const generated = await tenant.call<Created>('POST', '/webhooks', body({}));
    const chosen = `chosen-${unique()}`;
    const plain = await tenant.call<Created>('POST', '/webhooks', body({ secret: chosen }));
    const viaGrpc = `grpc-${unique()}`;
    const grpcCreated = await grpc.unary<{ id: string; secret: string }>(
      'Subscriptions',
      'Create',
      body({ secret: viaGrpc }),
      { key: tenant.apiKey },
    );
    expect([generated.status, plain.status, grpcCreated.code]).toEqual([201, 201, status.OK]);
    expect([generated.body.secret, plain.body.secret]).toEqual([expect.stringMatching(/^whsec_/), chosen]);
    const grpcId = grpcCreated.ok ? grpcCreated.value.id : '';
    const ids = [generated.body.id, plain.body.id, grpcId];

    // After create, each secret reaches the API again only as the one response of its rotation.
    const rotated = await tenant.call<Created>('POST', `/webhooks/${generated.body.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const patchedSecret = `patched-${unique()}`;
    const patched = await tenant.call('PATCH', `/webhooks/${plain.body.id}`, { secret: patchedSecret });
    expect(patched.status).toBe(200);
    const refusedSecret = `refused-${unique()}`;
    const refused = await tenant.call(
      'POST',
      '/webhooks',
      body({ secret: refusedSecret, url: 'javascript:x' }),
    );
    expect(refused.status).toBe(400);
    const secrets = [
      generated.body.secret,
      chosen,
      viaGrpc,
      rotated.body.secret,
      patchedSecret,
      refusedSecret,
    ];

    // Facts on DELIVERIES for each: test deliveries (to a public address this sandbox cannot reach).
    for (const id of ids) expect((await tenant.call('POST', `/webhooks/${id}/test`, {})).status).toBe(202);
    const paths = [
      ...ids.flatMap((id) => [`/webhooks/${id}`, `/webhooks/${id}/logs`, `/v2/webhooks/${id}/dispatches`]),
      '/webhooks?limit=200',
      '/webhooks/logs/all',
      '/v2/webhook-dispatches',
      '/event-types',
    ];
    let responses: Array<{ path: string; status: number; body: unknown }> = [];
    await waitFor('every read answers, with the test deliveries', async () => {
      responses = await Promise.all(
        paths.map(async (path) => ({ path, ...(await tenant.call('GET', path)) })),
      );
      const logs = await Promise.all(ids.map((id) => readLogs(tenant, [id]).catch(() => [])));
      return responses.every((r) => r.status === 200) && logs.every((l) => l.length > 0);
    });
    const grpcReads = [
      ...(await Promise.all(
        ids.map((id) => grpc.unary('Subscriptions', 'Get', { id }, { key: tenant.apiKey })),
      )),
      await grpc.unary('Subscriptions', 'List', { limit: 200 }, { key: tenant.apiKey }),
      await grpc.unary('Deliveries', 'ListLogs', { limit: 200 }, { key: tenant.apiKey }),
    ];
    expect(grpcReads.map((r) => r.code)).toEqual(grpcReads.map(() => status.OK));

    /** Every spelling a secret could leak in: as given, its key material in base64 and in hex. */
    const spellings = (secret: string): string[] => {
      const key = secretKeyBytes(secret);
      return [secret, secret.replace(/^whsec_/, ''), key.toString('base64'), key.toString('hex')];
    };
    const leaks = (where: string, text: string, allowed: string[] = []) =>
      secrets
        .filter((secret) => !allowed.includes(secret))
        .filter((secret) => spellings(secret).some((spelling) => text.includes(spelling)))
        .map((secret) => `${where}: ${secret.slice(0, 14)}...`);

    const found: string[] = [
      ...responses.flatMap((r) => leaks(`GET ${r.path}`, JSON.stringify(r.body))),
      ...grpcReads.flatMap((r, i) => leaks(`gRPC read ${i}`, JSON.stringify(r))),
      ...leaks('rotate response', JSON.stringify(rotated.body), [rotated.body.secret]),
      ...leaks('PATCH response', JSON.stringify(patched.body)),
      ...leaks('refusal', JSON.stringify(refused.body)),
    ];

    // Log output of every service; the lines of this test's own operations are among them.
    const output = Object.values(stack.services).map((service) => [service.name, service.output()] as const);
    expect(output.find(([name]) => name === 'subscriptions')?.[1]).toContain(generated.body.id);
    for (const [name, text] of output) found.push(...leaks(`${name} log`, text));

    // Every fact stored about the organization, byte for byte as the stream holds it.
    const nats = await rawNats(stack.nats.url);
    try {
      const stored = [
        ...(await nats.read(STREAMS.subscriptions, `subscriptions.${tenant.organizationId}.>`)),
        ...(await nats.read(STREAMS.deliveries, `deliveries.${tenant.organizationId}.>`)),
      ];
      expect(new Set(stored.map((m) => m.subject.split('.')[2]))).toEqual(new Set(ids));
      for (const message of stored)
        found.push(...leaks(`${message.subject} #${message.seq}`, `${message.headers}\n${message.data}`));
    } finally {
      await nats.close();
    }

    // And every row of every table, as text.
    const db = new PgClient({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const tables = await db.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      for (const { name } of tables.rows) {
        const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
        found.push(...leaks(`table ${name}`, rows.rows.map((r) => r.row).join('\n')));
      }
    } finally {
      await db.end();
    }
    expect(found).toEqual([]);
  });
});
