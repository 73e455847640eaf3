import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Clock, systemClock } from '@hookstream/contracts';
import { forbidden, notFound, unauthorized } from './errors';
import { type PortalRoute, portalRouteOf } from './portal.routes';
import { type PortalGrant, verifyPortalToken } from './portal-token';

export const PORTAL_SIGNING_KEY = Symbol('PORTAL_SIGNING_KEY');
export const PORTAL_CLOCK = Symbol('PORTAL_CLOCK');

/** How a service tells whether a subscription or dispatch of an organization matches a session's filter. */
export interface PortalScope {
  subscriptionVisible(
    organizationId: string,
    subscriptionId: string,
    filter: Record<string, string>,
  ): Promise<boolean>;
  dispatchVisible(
    organizationId: string,
    dispatchId: string,
    filter: Record<string, string>,
  ): Promise<boolean>;
}

/** The parts of an Express request a portal check reads (and, for writes, the body it scopes). */
export interface PortalRequest {
  method: string;
  route?: { path?: string };
  params?: Record<string, string | undefined>;
  body?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a portal token on one request: signature, audience and expiry, then that the route is one
 * the portal uses, that the session may write when the route writes, and that the target lies
 * inside the session's subscription filter (outside it reads as not found, as another
 * organization's resources do).
 */
@Injectable()
export class PortalAccess {
  private scope?: PortalScope;
  private readonly clock: Clock;

  constructor(
    @Optional() @Inject(PORTAL_SIGNING_KEY) private readonly signingKey?: Uint8Array | null,
    @Optional() @Inject(PORTAL_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
  }

  get enabled(): boolean {
    return this.signingKey !== undefined && this.signingKey !== null;
  }

  /** The service's filter checks; without them a filtered session is refused (fails closed). */
  useScope(scope: PortalScope): void {
    this.scope = scope;
  }

  async authorize(token: string, request: PortalRequest): Promise<PortalGrant> {
    if (!this.signingKey) throw unauthorized('portal sessions are not enabled on this deployment');
    const grant = await verifyPortalToken(this.signingKey, token, this.clock.now());
    const route = portalRouteOf(request.method.toUpperCase(), request.route?.path);
    if (!route) throw forbidden('portal sessions cannot use this route');
    if (route.permission === 'manage' && grant.permissions !== 'manage')
      throw forbidden('this portal session is read-only');
    await this.checkScope(route, grant, request);
    return grant;
  }

  private async checkScope(route: PortalRoute, grant: PortalGrant, request: PortalRequest): Promise<void> {
    const filter = grant.filter;
    const params = request.params ?? {};
    if (route.scope === 'create' || route.scope === 'update') this.scopeBody(route, request, filter);
    if (Object.keys(filter).length === 0) return;
    if (route.scope === 'subscription' || route.scope === 'update') {
      const id = params.id ?? '';
      if (!(await this.requireScope().subscriptionVisible(grant.organizationId, id, filter)))
        throw notFound(`webhook ${id}`);
    }
    if (route.scope === 'dispatch') {
      const id = params.dispatchId ?? '';
      if (!(await this.requireScope().dispatchVisible(grant.organizationId, id, filter)))
        throw notFound(`webhook dispatch ${id}`);
    }
  }

  /** Endpoints made or edited in a filtered session carry the filter, so they stay in it. */
  private scopeBody(route: PortalRoute, request: PortalRequest, filter: Record<string, string>): void {
    if (Object.keys(filter).length === 0 || !isObject(request.body)) return;
    const metadata = request.body.metadata;
    if (metadata === undefined && route.scope === 'update') return;
    // Anything but an object is left for validation to refuse with its usual message.
    if (metadata !== undefined && !isObject(metadata)) return;
    request.body.metadata = { ...(metadata ?? {}), ...filter };
  }

  private requireScope(): PortalScope {
    if (!this.scope) throw forbidden('this service cannot check a portal session filter');
    return this.scope;
  }
}
