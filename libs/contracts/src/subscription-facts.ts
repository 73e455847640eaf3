import type { OrganizationId, SubscriptionId } from './ids';
import type { Profile } from './profiles';
import { subjects } from './streams';
import type { WireMessage } from './wire';

/**
 * A secret as stored in Postgres and on SUBSCRIPTIONS: AES-256-GCM, never in clear. A shared
 * `whsec_` secret signs `v1` (HMAC); a `whsk_` secret key signs `v1a` (ed25519).
 */
export interface EncryptedSecret {
  /** base64 of iv(12) | tag(16) | ciphertext */
  ciphertext: string;
  /** null for the current secret; set for a rotated-out secret that keeps signing until then. */
  expiresAt: string | null;
  /** `whpk_...`: the public key of a `whsk_` secret key, in clear (it is public); absent for HMAC secrets. */
  publicKey?: string;
}

/** How deliveries are signed (Standard Webhooks): `hmac` → `v1`, `ed25519` → `v1a`. */
export const SIGNATURE_SCHEMES = ['hmac', 'ed25519'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export function isSignatureScheme(value: unknown): value is SignatureScheme {
  return typeof value === 'string' && (SIGNATURE_SCHEMES as readonly string[]).includes(value);
}

/**
 * How a subscription's deliveries are ordered: `none` (the default) delivers each dispatch as
 * soon as it can; `subject` delivers the events that share an envelope `subject` one after
 * another, in the order EVENTS stored them (docs/architecture.md §6).
 */
export const ORDERINGS = ['none', 'subject'] as const;
export type Ordering = (typeof ORDERINGS)[number];

export function isOrdering(value: unknown): value is Ordering {
  return typeof value === 'string' && (ORDERINGS as readonly string[]).includes(value);
}

/** Requests per second an endpoint accepts, across every dispatcher replica together. */
export interface RateLimit {
  perSecond: number;
}

export const RATE_LIMIT_PER_SECOND = { min: 1, max: 10_000 } as const;

export function isRateLimit(value: unknown): value is RateLimit {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const perSecond = (value as Record<string, unknown>).perSecond;
  return (
    Number.isInteger(perSecond) &&
    (perSecond as number) >= RATE_LIMIT_PER_SECOND.min &&
    (perSecond as number) <= RATE_LIMIT_PER_SECOND.max
  );
}

export interface RetryPolicy {
  /** Durations after the first attempt, such as ["5s", "5m"]. */
  schedule: string[];
}

/** Full subscription state after each change (docs/architecture.md §2, SUBSCRIPTIONS stream). */
export interface SubscriptionState {
  id: SubscriptionId;
  organizationId: OrganizationId;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  profile: Profile;
  /** JSON template with {{variables}}, rendered per dispatch; null for the profile's own body. */
  payloadTemplate: string | null;
  headers: Record<string, string>;
  retryPolicy: RetryPolicy | null;
  timeoutMs: number | null;
  metadata: Record<string, unknown>;
  /** MongoDB-style query on the event (sift); null delivers every event the patterns select. */
  filter: Record<string, unknown> | null;
  signature: SignatureScheme;
  ordering: Ordering;
  /** Requests per second across the replicas; null sends as fast as the endpoint answers. */
  rateLimit: RateLimit | null;
  secrets: EncryptedSecret[];
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FactMetadata {
  /** Nats-Msg-Id the fact was published under. */
  messageId: string;
  occurredAt: string;
}

/**
 * `subscription.changed` version 2 added `filter` and `signature`, version 3 `ordering` and
 * `rateLimit`; older facts (still the last fact of subscriptions unchanged since) are upcast at
 * decode time.
 */
export type SubscriptionFact =
  | { type: 'subscription.changed'; version: 3; data: SubscriptionState; metadata: FactMetadata }
  | {
      type: 'subscription.deleted';
      version: 1;
      data: { id: SubscriptionId; organizationId: OrganizationId; deletedAt: string };
      metadata: FactMetadata;
    };

/** The newest `subscription.changed` version; older ones are upcast by upcastSubscriptionState. */
export const SUBSCRIPTION_CHANGED_VERSION = 3;

/**
 * An older state in the newest shape: version 1 had no filter and HMAC signing, versions 1 and 2
 * no ordering and no rate limit. A field the state already carries is kept.
 */
export function upcastSubscriptionState(
  version: number,
  data: Record<string, unknown>,
): Record<string, unknown> {
  let state = data;
  if (version < 2) state = { ...state, filter: null, signature: 'hmac' };
  if (version < 3 && state.rateLimit === undefined) state = { ...state, rateLimit: null };
  if (!('ordering' in state)) state = { ...state, ordering: 'none' };
  return state;
}

/** The state after a change, under the newest version; `messageId` is the outbox row that publishes it. */
export function subscriptionChanged(
  state: SubscriptionState,
  messageId: string,
  now: Date,
): SubscriptionFact {
  return {
    type: 'subscription.changed',
    version: SUBSCRIPTION_CHANGED_VERSION,
    data: state,
    metadata: { messageId, occurredAt: now.toISOString() },
  };
}

export function subscriptionDeleted(
  subscription: { id: SubscriptionId; organizationId: OrganizationId },
  messageId: string,
  now: Date,
): SubscriptionFact {
  const at = now.toISOString();
  return {
    type: 'subscription.deleted',
    version: 1,
    data: { id: subscription.id, organizationId: subscription.organizationId, deletedAt: at },
    metadata: { messageId, occurredAt: at },
  };
}

/**
 * A fact ready to publish on SUBSCRIPTIONS, under the subject of its subscription (only the last
 * message per subject is kept) and the message id it was built with.
 */
export function subscriptionFactMessage(fact: SubscriptionFact): WireMessage {
  return {
    subject: subjects.subscription(fact.data.organizationId, fact.data.id),
    payload: JSON.stringify(fact),
    msgId: fact.metadata.messageId,
    headers: {},
  };
}
