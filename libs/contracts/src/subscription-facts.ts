import type { Profile } from './profiles';

/** A secret as stored in Postgres and on SUBSCRIPTIONS: AES-256-GCM, never in clear. */
export interface EncryptedSecret {
  /** base64 of iv(12) | tag(16) | ciphertext */
  ciphertext: string;
  /** null for the current secret; set for a rotated-out secret that keeps signing until then. */
  expiresAt: string | null;
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

export type SubscriptionFact =
  | { type: 'subscription.changed'; version: 1; data: SubscriptionState; metadata: FactMetadata }
  | {
      type: 'subscription.deleted';
      version: 1;
      data: { id: string; organizationId: string; deletedAt: string };
      metadata: FactMetadata;
    };
