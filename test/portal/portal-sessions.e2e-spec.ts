import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { REPO_ROOT, startReceiver, type Receiver } from '@hookstream/testing';
import { PORTAL_ROUTES, type PortalRoute } from '@hookstream/platform';
import { grpcClients } from '../support/grpc';
import { startStack, type Stack, type Tenant } from '../support/stack';
import {
  asPortal,
  endpointWithDispatch,
  expiredToken,
  PORTAL_STACK_ENV,
  session,
  tokenOfRotatedKey,
} from './portal.support';

const routeKey = (r: Pick<PortalRoute, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** One concrete request per portal route, aimed at the given subscription and dispatch. */
function requestsFor(target: { id: string; dispatchId: string }) {
  const since = new Date(Date.now() - 3600_000).toISOString();
  const endpoint = { name: 'n', url: 'https://example.com/hook', events: ['workflow.completed'] };
  return new Map<string, [string, string, unknown?]>([
    ['GET /portal/session', ['GET', '/portal/session']],
    ['GET /portal/webhooks', ['GET', '/portal/webhooks']],
    ['GET /portal/event-types', ['GET', '/portal/event-types']],
    ['POST /webhooks', ['POST', '/webhooks', endpoint]],
    ['GET /webhooks/:id', ['GET', `/webhooks/${target.id}`]],
    ['PATCH /webhooks/:id', ['PATCH', `/webhooks/${target.id}`, { name: 'taken over' }]],
    ['DELETE /webhooks/:id', ['DELETE', `/webhooks/${target.id}`]],
    ['POST /webhooks/:id/test', ['POST', `/webhooks/${target.id}/test`, {}]],
    ['POST /webhooks/:id/rotate-secret', ['POST', `/webhooks/${target.id}/rotate-secret`]],
    ['POST /webhooks/:id/replay', ['POST', `/webhooks/${target.id}/replay`, { since }]],
    ['GET /webhooks/:id/logs', ['GET', `/webhooks/${target.id}/logs`]],
    ['GET /portal/webhooks/:id/stats', ['GET', `/portal/webhooks/${target.id}/stats`]],
    ['GET /portal/webhooks/:id/tail', ['GET', `/portal/webhooks/${target.id}/tail`]],
    ['GET /v2/webhook-dispatches/:dispatchId', ['GET', `/v2/webhook-dispatches/${target.dispatchId}`]],
    [
      'POST /webhook-dispatches/:dispatchId/retry',
      ['POST', `/webhook-dispatches/${target.dispatchId}/retry`],
    ],
  ]);
}

/** Routes that name no resource of another organization: their isolation is in what they list. */
const ORGANIZATION_WIDE = new Set([
  'GET /portal/session',
  'GET /portal/webhooks',
  'GET /portal/event-types',
  'POST /webhooks',
]);

describe('portal sessions', () => {
  let stack: Stack;
  let receiver: Receiver;
  let a: Tenant;
  let b: Tenant;
  let bTarget: { id: string; dispatchId: string };

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([
      startStack({ ...PORTAL_STACK_ENV, PORTAL_FRAME_ANCESTORS: "'self' https://app.example.com" }),
      startReceiver(),
    ]);
    [a, b] = await Promise.all([stack.tenant('A'), stack.tenant('B')]);
    bTarget = await endpointWithDispatch(b, `${receiver.url}/b`);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.dispose();
  });

  it('mints a link for the key’s organization, one hour by default', async () => {
    const created = await session(a, {
      permissions: 'read',
      theme: { title: 'Acme', primaryColor: '#0f766e' },
    });
    expect(created.url).toMatch(/\/portal\/#token=[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(created.url.endsWith(created.token)).toBe(true);
    const minutes = (Date.parse(created.expiresAt) - Date.now()) / 60_000;
    expect(Math.round(minutes)).toBe(60);
    const me = await asPortal(stack, created.token, 'GET', '/portal/session');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      organizationId: a.organizationId,
      permissions: 'read',
      theme: { title: 'Acme' },
    });
  });

  it.each([
    [{}, 'permissions'],
    [{ permissions: 'admin' }, 'permissions'],
    [{ permissions: 'read', expiresIn: 24 * 3600 + 1 }, 'expiresIn'],
    [{ permissions: 'read', expiresIn: 'soon' }, 'expiresIn'],
    [{ permissions: 'read', subscriptionFilter: { customer: 7 } }, 'subscriptionFilter'],
    [{ permissions: 'read', theme: { primaryColor: 'red' } }, 'theme.primaryColor'],
    [{ permissions: 'read', theme: { logoUrl: 'http://example.com/l.png' } }, 'theme.logoUrl'],
    [{ permissions: 'read', owner: 'me' }, 'owner'],
  ])('refuses the session request %j with a 400 naming %s', async (body, field) => {
    const reply = await a.call<{ error: { type: string; message: string } }>(
      'POST',
      '/portal/sessions',
      body,
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error.type).toBe('validation_failed');
    expect(reply.body.error.message).toContain(field);
  });

  it('refuses expired, tampered, unknown and rotated-key tokens with 401, and routes outside the portal with 403', async () => {
    const { token } = await session(a);
    const [head, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: b.organizationId })).toString('base64url');
    for (const bad of [
      await expiredToken(a.organizationId),
      `${head}.${forged}.${signature}`,
      `${head}.${payload}.AAAA`,
      await tokenOfRotatedKey(a.organizationId),
    ]) {
      const reply = await asPortal(stack, bad, 'GET', '/portal/webhooks');
      expect(reply.status).toBe(401);
      expect(reply.body.error).toEqual({ type: 'unauthorized', message: expect.any(String) });
    }
    expect(
      (await asPortal(stack, await expiredToken(a.organizationId), 'GET', '/portal/session')).body.error
        .message,
    ).toMatch(/expired/);
    for (const [method, path, body] of [
      ['POST', '/portal/sessions', { permissions: 'manage' }],
      ['GET', '/webhooks'],
      ['GET', '/webhooks/logs/all'],
      ['POST', '/events', { id: 'evt_x', type: 'TEST', data: {} }],
      ['POST', '/admin/api-keys', {}],
    ] as const) {
      const reply = await asPortal(stack, token, method, path, body);
      expect([reply.status, path]).toEqual([
        method === 'POST' && path === '/admin/api-keys' ? 401 : 403,
        path,
      ]);
    }
  });

  it('lets a read-only session write nowhere', async () => {
    const own = await endpointWithDispatch(a, `${receiver.url}/a-read`);
    const { token } = await session(a, { permissions: 'read' });
    for (const route of PORTAL_ROUTES.filter((r) => r.permission === 'manage')) {
      const [method, path, body] = requestsFor(own).get(routeKey(route))!;
      const reply = await asPortal(stack, token, method, path, body);
      expect([routeKey(route), reply.status, reply.body?.error?.type]).toEqual([
        routeKey(route),
        403,
        'forbidden',
      ]);
    }
    expect((await a.call('GET', `/webhooks/${own.id}`)).status).toBe(200);
  });

  it('never reads or changes another organization’s endpoints or dispatches, on any portal route', async () => {
    const { token } = await session(a);
    const requests = requestsFor(bTarget);
    expect([...requests.keys()].sort()).toEqual(PORTAL_ROUTES.map(routeKey).sort());
    for (const [key, [method, path, body]] of requests) {
      if (ORGANIZATION_WIDE.has(key)) continue;
      const reply = await asPortal(stack, token, method, path, body);
      expect([key, reply.status]).toEqual([key, 404]);
    }
    const list = await asPortal(stack, token, 'GET', '/portal/webhooks');
    expect(list.body.items.map((e: { id: string }) => e.id)).not.toContain(bTarget.id);
    const mine = await asPortal(stack, token, 'POST', '/webhooks', {
      name: 'made in the portal',
      url: `${receiver.url}/a`,
      events: ['workflow.completed'],
    });
    expect(mine.body.organizationId).toBe(a.organizationId);
    const untouched = await b.call<{ name: string }>('GET', `/webhooks/${bTarget.id}`);
    expect([untouched.status, untouched.body.name]).toEqual([200, 'endpoint']);
  });

  it('shows a filtered session only the endpoints carrying its metadata, and stamps it on new ones', async () => {
    const [mine, theirs] = [
      await endpointWithDispatch(a, `${receiver.url}/c1`, { customer: 'c1' }),
      await endpointWithDispatch(a, `${receiver.url}/c2`, { customer: 'c2' }),
    ];
    const { token } = await session(a, { permissions: 'manage', subscriptionFilter: { customer: 'c1' } });
    const list = await asPortal(stack, token, 'GET', '/portal/webhooks');
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([mine.id]);
    for (const [key, [method, path, body]] of requestsFor(theirs)) {
      if (ORGANIZATION_WIDE.has(key)) continue;
      expect([key, (await asPortal(stack, token, method, path, body)).status]).toEqual([key, 404]);
    }
    expect((await asPortal(stack, token, 'GET', `/webhooks/${mine.id}/logs`)).status).toBe(200);
    const created = await asPortal(stack, token, 'POST', '/webhooks', {
      name: 'new',
      url: `${receiver.url}/c1b`,
      events: ['workflow.completed'],
      metadata: { customer: 'c2', team: 'ops' },
    });
    expect([created.status, created.body.metadata]).toEqual([201, { customer: 'c1', team: 'ops' }]);
    const moved = await asPortal(stack, token, 'PATCH', `/webhooks/${mine.id}`, {
      metadata: { customer: 'c2' },
    });
    expect([moved.status, moved.body.metadata]).toEqual([200, { customer: 'c1' }]);
  });

  it('serves the page with the deployment’s frame-ancestors and no framing elsewhere', async () => {
    const page = await request(`${stack.apiUrl}/portal/`);
    const html = await page.body.text();
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain(
      "frame-ancestors 'self' https://app.example.com",
    );
    expect(page.headers['x-frame-options']).toBeUndefined();
    const script = /src="(\/portal\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await request(`${stack.apiUrl}${script}`);
    expect([asset.statusCode, asset.headers['content-type']]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    await asset.body.dump();
    const missing = await request(`${stack.apiUrl}/portal/assets/nothing.js`);
    expect([
      missing.statusCode,
      ((await missing.body.json()) as { error: { type: string } }).error.type,
    ]).toEqual([404, 'not_found']);
  });

  it('prints a working link from the CLI', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'hookstream.js'), 'portal-link', '--read', '--title', 'From the CLI'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOOKSTREAM_LOCAL_ENV: '',
          HOOKSTREAM_URL: stack.apiUrl,
          HOOKSTREAM_API_KEY: a.apiKey,
        },
      },
    );
    const link = stdout.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8080\/portal\/#token=/);
    const me = await asPortal(stack, link.split('#token=')[1]!, 'GET', '/portal/session');
    expect(me.body).toMatchObject({
      organizationId: a.organizationId,
      permissions: 'read',
      theme: { title: 'From the CLI' },
    });
  });

  it('mints links over gRPC with the same rules', async () => {
    const grpc = grpcClients(stack);
    try {
      const made = await grpc.unary<{ url: string; token: string; expires_at: string }>(
        'Portal',
        'CreateSession',
        {
          permissions: 'manage',
          expires_in: 600,
          subscription_filter: { customer: 'g1' },
          theme: { title: 'gRPC' },
        },
        { key: a.apiKey },
      );
      if (!made.ok) throw new Error(made.details);
      const me = await asPortal(stack, made.value.token, 'GET', '/portal/session');
      expect(me.body).toMatchObject({
        organizationId: a.organizationId,
        subscriptionFilter: { customer: 'g1' },
      });
      const bad = await grpc.unary(
        'Portal',
        'CreateSession',
        { permissions: 'owner', expires_in: 5 },
        { key: a.apiKey },
      );
      expect(bad).toMatchObject({ ok: false, code: 3, details: expect.stringContaining('expiresIn') });
      const anonymous = await grpc.unary('Portal', 'CreateSession', { permissions: 'read' }, {});
      expect(anonymous).toMatchObject({ ok: false, code: 16 });
    } finally {
      grpc.close();
    }
  });
});
