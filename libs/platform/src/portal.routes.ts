import type { PortalPermission } from './portal-token';

/**
 * How a route's target is checked against a session's subscription filter: `subscription` routes
 * name one in `:id`, `dispatch` routes one dispatch in `:dispatchId`, `create` and `update` take a
 * body whose metadata is given the filter's key/values, `none` needs no check (the catalog).
 */
export type PortalScopeKind = 'none' | 'filtered-list' | 'subscription' | 'dispatch' | 'create' | 'update';

export interface PortalRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The route pattern as Express registered it. */
  path: string;
  permission: PortalPermission;
  scope: PortalScopeKind;
}

/**
 * The only routes a portal token opens: what the portal page calls, nothing more. Every other route
 * (API keys, admin, event ingest, organization-wide logs) refuses portal tokens.
 */
export const PORTAL_ROUTES: readonly PortalRoute[] = [
  { method: 'GET', path: '/portal/session', permission: 'read', scope: 'none' },
  { method: 'GET', path: '/portal/webhooks', permission: 'read', scope: 'filtered-list' },
  { method: 'GET', path: '/portal/event-types', permission: 'read', scope: 'none' },
  { method: 'POST', path: '/webhooks', permission: 'manage', scope: 'create' },
  { method: 'GET', path: '/webhooks/:id', permission: 'read', scope: 'subscription' },
  { method: 'PATCH', path: '/webhooks/:id', permission: 'manage', scope: 'update' },
  { method: 'DELETE', path: '/webhooks/:id', permission: 'manage', scope: 'subscription' },
  { method: 'POST', path: '/webhooks/:id/test', permission: 'manage', scope: 'subscription' },
  { method: 'POST', path: '/webhooks/:id/rotate-secret', permission: 'manage', scope: 'subscription' },
  { method: 'POST', path: '/webhooks/:id/replay', permission: 'manage', scope: 'subscription' },
  { method: 'GET', path: '/webhooks/:id/logs', permission: 'read', scope: 'subscription' },
  { method: 'GET', path: '/portal/webhooks/:id/stats', permission: 'read', scope: 'subscription' },
  { method: 'GET', path: '/portal/webhooks/:id/tail', permission: 'read', scope: 'subscription' },
  { method: 'GET', path: '/v2/webhook-dispatches/:dispatchId', permission: 'read', scope: 'dispatch' },
  {
    method: 'POST',
    path: '/webhook-dispatches/:dispatchId/retry',
    permission: 'manage',
    scope: 'dispatch',
  },
];

export function portalRouteOf(method: string, path: string | undefined): PortalRoute | undefined {
  return PORTAL_ROUTES.find((route) => route.method === method && route.path === path);
}
