import type { EncryptedSecret, SubscriptionState } from '@hookstream/contracts';
import { liveSecrets } from './subscription-secrets.state';

/** The fields a caller chooses when creating a subscription (already validated). */
export type SubscriptionDraft = Pick<
  SubscriptionState,
  | 'name'
  | 'url'
  | 'events'
  | 'active'
  | 'profile'
  | 'payloadTemplate'
  | 'headers'
  | 'retryPolicy'
  | 'timeoutMs'
  | 'metadata'
  | 'filter'
  | 'signature'
  | 'ordering'
  | 'rateLimit'
>;

/** A partial update: absent fields keep their value; null clears a nullable one. */
export type SubscriptionPatch = Partial<SubscriptionDraft>;

export function createState(input: {
  id: string;
  organizationId: string;
  draft: SubscriptionDraft;
  secrets: EncryptedSecret[];
  now: Date;
}): SubscriptionState {
  const at = input.now.toISOString();
  return {
    id: input.id,
    organizationId: input.organizationId,
    ...input.draft,
    secrets: input.secrets,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Applies a patch. Any change also drops secrets whose grace period is over. Enabling clears the
 * reason a subscription was disabled; a caller disabling it leaves no reason (it was deliberate).
 */
export function applyPatch(
  state: SubscriptionState,
  patch: SubscriptionPatch,
  now: Date,
  secrets: EncryptedSecret[] = state.secrets,
): SubscriptionState {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  const next: SubscriptionState = {
    ...state,
    ...defined,
    secrets: liveSecrets(secrets, now),
    updatedAt: now.toISOString(),
  };
  if (patch.active !== undefined) next.disabledReason = null;
  return next;
}

/** Applies the dispatcher's decision to stop delivering (410, or failing for too long). */
export function disableState(state: SubscriptionState, reason: string, now: Date): SubscriptionState {
  return { ...applyPatch(state, {}, now), active: false, disabledReason: reason };
}
