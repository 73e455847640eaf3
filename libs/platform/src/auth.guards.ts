import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { ApiKeyAuthenticator, bearerToken, type Tenant } from './authenticator';
import { DomainError, forbidden, unauthorized } from './errors';
import { PortalAccess, type PortalRequest } from './portal.access';
import { looksLikePortalToken } from './portal-token';

/** Injection token of the operator token (`ADMIN_TOKEN`); null or absent disables the admin API. */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

interface HttpRequestWithTenant extends PortalRequest {
  headers: Record<string, string | string[] | undefined>;
  tenant?: Tenant;
}

function header(request: HttpRequestWithTenant, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// gRPC has no request object to decorate; the call's metadata identifies it for the handler's parameters.
const grpcTenants = new WeakMap<object, Tenant>();

/**
 * Authenticates the API key of an HTTP request (sets `request.tenant`) or a gRPC call. Over HTTP it
 * also takes a portal session token, on the portal's routes only (see portal.routes.ts).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    @Optional() private readonly portal?: PortalAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'rpc') {
      const metadata = context.switchToRpc().getContext<Metadata>();
      grpcTenants.set(metadata, await this.authenticator.authenticateGrpc(metadata));
      return true;
    }
    const request = context.switchToHttp().getRequest<HttpRequestWithTenant>();
    const authorization = header(request, 'authorization');
    const token =
      authorization === undefined ? undefined : /^Bearer +(\S+)\s*$/i.exec(authorization.trim())?.[1];
    if (this.portal && token !== undefined && looksLikePortalToken(token)) {
      const grant = await this.portal.authorize(token, request);
      request.tenant = { organizationId: grant.organizationId, apiKeyId: grant.sessionId, portal: grant };
      return true;
    }
    request.tenant = await this.authenticator.authenticate(
      header(request, 'authorization'),
      header(request, 'x-organization-id'),
    );
    return true;
  }
}

/** The tenant that ApiKeyGuard authenticated; an internal error when the guard was not applied. */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): Tenant => {
  const tenant =
    context.getType() === 'rpc'
      ? grpcTenants.get(context.switchToRpc().getContext<object>())
      : context.switchToHttp().getRequest<HttpRequestWithTenant>().tenant;
  if (!tenant) throw new DomainError('internal', '@CurrentTenant() used on a route without ApiKeyGuard');
  return tenant;
});

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Compares digests so neither the content nor the length of the token leaks through timing. */
export function checkAdminToken(
  expected: string | null | undefined,
  authorization: string | undefined,
): void {
  if (expected === null || expected === undefined || expected === '')
    throw forbidden('the admin API is disabled: ADMIN_TOKEN is not set');
  if (authorization === undefined || authorization.trim() === '') throw unauthorized('missing admin token');
  const given = bearerToken(authorization);
  if (!timingSafeEqual(digest(given), digest(expected))) throw unauthorized('invalid admin token');
}

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Optional() @Inject(ADMIN_TOKEN) private readonly adminToken?: string | null) {}

  canActivate(context: ExecutionContext): boolean {
    const authorization =
      context.getType() === 'rpc'
        ? context.switchToRpc().getContext<Metadata>().get('authorization')[0]?.toString()
        : header(context.switchToHttp().getRequest<HttpRequestWithTenant>(), 'authorization');
    checkAdminToken(this.adminToken, authorization);
    return true;
  }
}
