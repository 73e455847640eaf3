import { SignJWT } from 'jose';
import { DomainError } from './errors';
import { PortalAccess, type PortalScope } from './portal.access';
import { PORTAL_ROUTES } from './portal.routes';
import { signPortalToken, verifyPortalToken } from './portal-token';

const key = new Uint8Array(Buffer.from('k'.repeat(32)));
const now = new Date('2026-12-02T10:00:00Z');
const clock = { now: () => now };
const grant = { organizationId: 'org_a', permissions: 'read' as const, filter: {}, theme: {} };

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof DomainError ? `${error.code}: ${error.message}` : 'thrown'),
  );

describe('portal tokens', () => {
  it('round-trips a grant and carries its expiry', async () => {
    const { token } = await signPortalToken(key, { ...grant, filter: { tenant: 't1' } }, 600, now);
    const read = await verifyPortalToken(key, token, now);
    expect(read).toMatchObject({ organizationId: 'org_a', permissions: 'read', filter: { tenant: 't1' } });
    expect(read.expiresAt.toISOString()).toBe('2026-12-02T10:10:00.000Z');
  });

  it('refuses expired, tampered, foreign-key and wrong-audience tokens', async () => {
    const { token } = await signPortalToken(key, grant, 600, now);
    expect(await codeOf(verifyPortalToken(key, token, new Date('2026-12-02T10:11:00Z')))).toMatch(
      /unauthorized: .*expired/,
    );
    const [head, body, sig] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), prm: 'manage' }),
    );
    expect(
      await codeOf(verifyPortalToken(key, `${head}.${forged.toString('base64url')}.${sig}`, now)),
    ).toMatch(/^unauthorized/);
    const rotated = new Uint8Array(Buffer.from('r'.repeat(32)));
    expect(await codeOf(verifyPortalToken(rotated, token, now))).toMatch(/^unauthorized/);
    const other = await new SignJWT({ prm: 'manage', flt: {}, thm: {} })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('hookstream')
      .setAudience('another-app')
      .setSubject('org_a')
      .setJti('x')
      .setExpirationTime('1h')
      .sign(key);
    expect(await codeOf(verifyPortalToken(key, other, new Date()))).toMatch(/^unauthorized: .*aud/);
  });
});

describe('portal access', () => {
  const visible = new Set(['wh_in']);
  const scope: PortalScope = {
    subscriptionVisible: async (_org, id) => visible.has(id),
    dispatchVisible: async (_org, id) => id === 'dsp_in',
  };
  const access = new PortalAccess(key, clock);
  access.useScope(scope);
  const tokenOf = async (permissions: 'read' | 'manage', filter: Record<string, string> = {}) =>
    (await signPortalToken(key, { ...grant, permissions, filter }, 600, now)).token;

  it('opens only the listed routes, and writes only for manage sessions', async () => {
    const read = await tokenOf('read');
    const manage = await tokenOf('manage');
    const at = (method: string, path: string, params = {}) => ({ method, route: { path }, params, body: {} });
    expect(await codeOf(access.authorize(read, at('GET', '/webhooks/:id', { id: 'wh_x' })))).toBe('ok');
    expect(await codeOf(access.authorize(read, at('POST', '/webhooks')))).toMatch(/^forbidden: .*read-only/);
    expect(await codeOf(access.authorize(manage, at('POST', '/webhooks')))).toBe('ok');
    for (const path of ['/portal/sessions', '/admin/api-keys', '/events', '/webhooks/logs/all'])
      expect(await codeOf(access.authorize(manage, at('POST', path)))).toMatch(/^forbidden/);
    expect(PORTAL_ROUTES.some((route) => route.path.startsWith('/admin'))).toBe(false);
  });

  it('hides what lies outside the filter and stamps the filter on what a session creates', async () => {
    const token = await tokenOf('manage', { customer: 'c1' });
    const at = (method: string, path: string, params: Record<string, string>, body: unknown = {}) => ({
      method,
      route: { path },
      params,
      body,
    });
    expect(await codeOf(access.authorize(token, at('GET', '/webhooks/:id', { id: 'wh_in' })))).toBe('ok');
    expect(await codeOf(access.authorize(token, at('GET', '/webhooks/:id', { id: 'wh_out' })))).toMatch(
      /^not_found/,
    );
    const retry = '/webhook-dispatches/:dispatchId/retry';
    expect(await codeOf(access.authorize(token, at('POST', retry, { dispatchId: 'dsp_out' })))).toMatch(
      /^not_found/,
    );
    const body = { name: 'n', metadata: { customer: 'c2', team: 'x' } };
    await access.authorize(token, at('POST', '/webhooks', {}, body));
    expect(body.metadata).toEqual({ customer: 'c1', team: 'x' });
    const invalid = { metadata: 'nope' };
    await access.authorize(token, at('PATCH', '/webhooks/:id', { id: 'wh_in' }, invalid));
    expect(invalid.metadata).toBe('nope');
  });
});
