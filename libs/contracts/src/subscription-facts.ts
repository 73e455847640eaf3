import type { Profile } from './profiles';

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

export interface RetryPolicy {
  /** Durations after the first attempt, such as ["5s", "5m"]. */
  schedule: string[];
}

/** Full subscription state after each change (docs/architecture.md §2, SUBSCRIPTIONS stream). */
export interface SubscriptionState {
  id: string;
  organizationId: string;
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
 * `subscription.changed` version 2 added `filter` and `signature`, version 3 `ordering`; older
 * facts (still the last fact of subscriptions unchanged since) are upcast at decode time.
 */
export type SubscriptionFact =
  | { type: 'subscription.changed'; version: 3; data: SubscriptionState; metadata: FactMetadata }
  | {
      type: 'subscription.deleted';
      version: 1;
      data: { id: string; organizationId: string; deletedAt: string };
      metadata: FactMetadata;
    };

/** A version 1 state has no filter and signs with HMAC; a version 1 or 2 state is unordered. */
export function upcastSubscriptionState(
  version: number,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const v2 = version >= 2 ? data : { ...data, filter: null, signature: 'hmac' };
  return 'ordering' in v2 ? v2 : { ...v2, ordering: 'none' };
}
