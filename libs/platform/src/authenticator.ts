import { createHash } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Clock, systemClock } from '@hookstream/contracts';
import { forbidden, unauthorized, unavailable } from './errors';
import type { PortalGrant } from './portal-token';

/** Who is calling: the organization the request acts for and the key that proved it. */
export interface Tenant {
  organizationId: string;
  apiKeyId: string;
  /** Set when a portal session token, not an API key, proved the request. */
  portal?: PortalGrant;
}

/** A live (not revoked) key as stored. */
export interface ApiKeyRecord {
  id: string;
  defaultOrganizationId: string;
  organizationIds: readonly string[];
}

/**
 * Finds the live (not revoked) key whose sha256 is `keyHash`, or null. Each service that
 * authenticates provides one (`PlatformModule.forRoot({ apiKeyLookup })`): the subscriptions
 * service reads the tables it owns, the others a view those tables publish. A failure to ask
 * (the database down) rejects, and authentication answers unavailable.
 */
export interface ApiKeyLookup {
  findLiveKey(keyHash: string): Promise<ApiKeyRecord | null>;
}

/** Injection token of the service's ApiKeyLookup. */
export const API_KEY_LOOKUP = Symbol('API_KEY_LOOKUP');

export interface ApiKeyAuthOptions {
  /** How long a found key is trusted without asking Postgres again; revocation takes effect within it. */
  cacheTtlMs?: number;
  /** Unknown keys are remembered more briefly, so a key created a moment ago works almost at once. */
  negativeCacheTtlMs?: number;
  maxCachedKeys?: number;
  clock?: Clock;
}

export const API_KEY_AUTH_OPTIONS = Symbol('API_KEY_AUTH_OPTIONS');

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The token of `Bearer <token>`; anything else is unauthorized. */
export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') throw unauthorized('missing API key');
  const match = /^Bearer +([^\s]+)\s*$/i.exec(authorization.trim());
  if (!match) throw unauthorized("malformed Authorization header, expected 'Bearer <api key>'");
  return match[1]!;
}

/** The requested organization when the key belongs to it; the key's default when none is asked for. */
export function selectTenant(key: ApiKeyRecord, organizationHeader: string | undefined): Tenant {
  const requested = organizationHeader?.trim();
  if (requested === undefined || requested === '')
    return { organizationId: key.defaultOrganizationId, apiKeyId: key.id };
  if (requested !== key.defaultOrganizationId && !key.organizationIds.includes(requested))
    throw forbidden(`this API key has no access to organization ${requested}`);
  return { organizationId: requested, apiKeyId: key.id };
}

interface CacheEntry {
  record: ApiKeyRecord | null;
  expiresAt: number;
}

@Injectable()
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<ApiKeyRecord | null>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;

  /** Without a lookup (a service with no database) every authentication answers unavailable. */
  constructor(
    @Optional() @Inject(API_KEY_LOOKUP) private readonly keys?: ApiKeyLookup,
    @Optional() @Inject(API_KEY_AUTH_OPTIONS) options: ApiKeyAuthOptions = {},
  ) {
    this.ttlMs = options.cacheTtlMs ?? 3000;
    this.negativeTtlMs = options.negativeCacheTtlMs ?? 1000;
    this.maxEntries = options.maxCachedKeys ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  async authenticate(
    authorization: string | undefined,
    organizationHeader: string | undefined,
  ): Promise<Tenant> {
    const record = await this.lookup(hashApiKey(bearerToken(authorization)));
    if (record === null) throw unauthorized('invalid or revoked API key');
    return selectTenant(record, organizationHeader);
  }

  /** Same rules with the gRPC metadata `authorization` and `x-organization-id`. */
  authenticateGrpc(metadata: Metadata): Promise<Tenant> {
    const first = (name: string): string | undefined => {
      const value = metadata.get(name)[0];
      return typeof value === 'string' ? value : value?.toString('utf8');
    };
    return this.authenticate(first('authorization'), first('x-organization-id'));
  }

  private async lookup(keyHash: string): Promise<ApiKeyRecord | null> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > now) return cached.record;
    // Concurrent requests with the same key share one query.
    const pending = this.inFlight.get(keyHash);
    if (pending) return pending;
    const query = this.query(keyHash).finally(() => this.inFlight.delete(keyHash));
    this.inFlight.set(keyHash, query);
    const record = await query;
    this.remember(keyHash, record, now);
    return record;
  }

  private async query(keyHash: string): Promise<ApiKeyRecord | null> {
    if (!this.keys) throw unavailable('API key authentication needs a database');
    try {
      return await this.keys.findLiveKey(keyHash);
    } catch (cause) {
      throw unavailable('API keys cannot be checked right now', { cause });
    }
  }

  private remember(keyHash: string, record: ApiKeyRecord | null, now: number): void {
    this.cache.delete(keyHash);
    // Oldest first out: Map iteration follows insertion order.
    while (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.cache.delete(oldest.value);
    }
    this.cache.set(keyHash, { record, expiresAt: now + (record ? this.ttlMs : this.negativeTtlMs) });
  }
}
