import type { OrganizationId, SubscriptionId, SubscriptionState } from '@hookstream/contracts';
import { compileFilter, type FilterTester } from '@hookstream/webhooks';

/** A plain signing secret, decrypted once when the subscription state arrives. */
export interface RouteSecret {
  value: string;
  /** null for the current secret; epoch ms after which a rotated-out secret stops signing. */
  expiresAtMs: number | null;
}

/** One subscription as the dispatcher holds it: the state plus what the hot path needs precomputed. */
export interface Route {
  readonly state: SubscriptionState;
  readonly id: SubscriptionId;
  readonly organizationId: OrganizationId;
  /** `scheme://host:port`: the unit of connection pooling and of in-flight bounds. */
  readonly origin: string;
  /** Path and query sent on the request line. */
  readonly path: string;
  /** Newest first, as the signing functions expect. */
  readonly secrets: readonly RouteSecret[];
  /** Why this route cannot be delivered to (bad URL, undecryptable secret); null when it can. */
  readonly problem: string | null;
  /** The subscription's own schedule in ms, or null for the configured one. */
  readonly retryScheduleMs: readonly number[] | null;
  readonly headers: readonly (readonly [string, string])[];
  readonly updatedAtMs: number;
  /** Effective: false when the state says so or the dispatcher disabled it since. */
  readonly active: boolean;
  readonly disabledReason: string | null;
  /** The payload filter, compiled once per state; null selects every event the patterns select. */
  readonly filter: FilterTester | null;
  /** Requests per second across the replicas; null when only the endpoint's answers throttle it. */
  readonly ratePerSecond: number | null;
}

export interface RouteBuilder {
  /** Throws when the ciphertext cannot be decrypted with the service's key. */
  decrypt(ciphertext: string): string;
  /** null when the URL may be delivered to under the address policy, otherwise why not. */
  checkUrl(url: string): string | null;
  parseSchedule(schedule: readonly string[]): number[];
}

export function toRoute(state: SubscriptionState, builder: RouteBuilder): Route {
  const problems: string[] = [];
  let origin = '';
  let path = '/';
  try {
    const url = new URL(state.url);
    origin = url.origin;
    path = `${url.pathname}${url.search}`;
  } catch {
    problems.push(`subscription URL is not a valid URL`);
  }
  const urlProblem = origin === '' ? null : builder.checkUrl(state.url);
  if (urlProblem !== null) problems.push(urlProblem);

  const secrets: RouteSecret[] = [];
  for (const secret of state.secrets) {
    try {
      const expiresAtMs = secret.expiresAt === null ? null : Date.parse(secret.expiresAt);
      secrets.push({ value: builder.decrypt(secret.ciphertext), expiresAtMs });
    } catch {
      problems.push('a signing secret could not be decrypted with SECRETS_KEY');
    }
  }
  // The current secret (no expiry) signs first; rotated-out ones follow, most recent expiry first.
  secrets.sort((a, b) => (b.expiresAtMs ?? Infinity) - (a.expiresAtMs ?? Infinity));
  if (secrets.length === 0 && problems.length === 0) problems.push('subscription has no signing secret');

  let retryScheduleMs: number[] | null = null;
  if (state.retryPolicy !== null && state.retryPolicy.schedule.length > 0) {
    try {
      retryScheduleMs = builder.parseSchedule(state.retryPolicy.schedule);
    } catch (error) {
      problems.push(`retry policy: ${(error as Error).message}`);
    }
  }

  let filter: FilterTester | null = null;
  if (state.filter !== null) {
    try {
      filter = compileFilter(state.filter);
    } catch (error) {
      // The API validated it; a filter this build cannot compile delivers nothing rather than everything.
      filter = () => false;
      problems.push((error as Error).message);
    }
  }

  return {
    state,
    id: state.id,
    organizationId: state.organizationId,
    origin,
    path,
    secrets,
    problem: problems.length > 0 ? problems.join('; ') : null,
    retryScheduleMs,
    headers: Object.entries(state.headers),
    updatedAtMs: Date.parse(state.updatedAt),
    active: state.active,
    disabledReason: state.disabledReason,
    filter,
    ratePerSecond: state.rateLimit?.perSecond ?? null,
  };
}

/** The secrets that sign at `nowMs`: rotated-out ones are dropped once they expire. */
export function signingSecrets(route: Route, nowMs: number): string[] {
  const out: string[] = [];
  for (const secret of route.secrets) {
    if (secret.expiresAtMs === null || secret.expiresAtMs > nowMs) out.push(secret.value);
  }
  return out;
}

/** The route as the dispatcher disabled it, until a newer state arrives. */
export function disabledRoute(route: Route, reason: string): Route {
  return { ...route, active: false, disabledReason: reason };
}
