import { request } from 'undici';
import { signPortalToken } from '@hookstream/platform';
import type { Stack, Tenant } from '../support/stack';

export const PORTAL_KEY = 'portal-signing-key-for-tests-0123456789abcdef';
/** Automatic retries far away, so a second attempt in a test can only come from a manual retry. */
export const PORTAL_STACK_ENV = { PORTAL_SIGNING_KEY: PORTAL_KEY, DELIVERY_RETRY_SCHEDULE: '1h,1h' };

/** The fields the tests read from the portal's answers. */
export interface PortalBody {
  error: { type: string; message: string };
  items: Array<{ id: string }>;
  metadata: Record<string, unknown>;
  organizationId: string;
}

export interface Reply<T = PortalBody> {
  status: number;
  body: T;
}

/** A call with a portal session token instead of an API key. */
export async function asPortal<T = PortalBody>(
  stack: Stack,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply<T>> {
  const res = await request(`${stack.apiUrl}${path}`, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function session(
  tenant: Tenant,
  options: Record<string, unknown> = { permissions: 'manage' },
): Promise<{ url: string; token: string; expiresAt: string }> {
  const created = await tenant.call<{ url: string; token: string; expiresAt: string }>(
    'POST',
    '/portal/sessions',
    options,
  );
  if (created.status !== 201)
    throw new Error(`portal session: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** A token that expired a minute ago, signed with the deployment's key as the service would. */
export async function expiredToken(organizationId: string): Promise<string> {
  const issued = new Date(Date.now() - 2 * 3600_000);
  const { token } = await signPortalToken(
    new Uint8Array(Buffer.from(PORTAL_KEY, 'utf8')),
    { organizationId, permissions: 'manage', filter: {}, theme: {} },
    3600,
    issued,
  );
  return token;
}

/**
 * A valid, unexpired session token signed with another key: what every link handed out becomes
 * once the deployment's PORTAL_SIGNING_KEY is rotated.
 */
export async function tokenOfRotatedKey(organizationId: string): Promise<string> {
  const { token } = await signPortalToken(
    new Uint8Array(Buffer.from(`${PORTAL_KEY}-before-rotation`, 'utf8')),
    { organizationId, permissions: 'manage', filter: {}, theme: {} },
    3600,
    new Date(),
  );
  return token;
}

/** An endpoint of the tenant with one projected dispatch (a test delivery), for the dispatch routes. */
export async function endpointWithDispatch(
  tenant: Tenant,
  url: string,
  metadata: Record<string, string> = {},
): Promise<{ id: string; dispatchId: string }> {
  const created = await tenant.call<{ id: string }>('POST', '/webhooks', {
    name: `endpoint ${Object.values(metadata).join(' ')}`.trim(),
    url,
    events: ['workflow.*'],
    metadata,
  });
  if (created.status !== 201) throw new Error(`endpoint: ${created.status} ${JSON.stringify(created.body)}`);
  const sent = await tenant.call<{ dispatchId: string }>('POST', `/webhooks/${created.body.id}/test`, {});
  if (sent.status !== 202) throw new Error(`test event: ${sent.status} ${JSON.stringify(sent.body)}`);
  const deadline = Date.now() + 30_000;
  while ((await tenant.call('GET', `/v2/webhook-dispatches/${sent.body.dispatchId}`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('dispatch never projected');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { id: created.body.id, dispatchId: sent.body.dispatchId };
}
