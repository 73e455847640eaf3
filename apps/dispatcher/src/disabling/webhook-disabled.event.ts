import type { EventEnvelope } from '@hookstream/contracts';

export const WEBHOOK_DISABLED = 'webhook.disabled';

export interface DisabledSubscription {
  id: string;
  organizationId: string;
  url: string;
  /** Last change of the subscription state that was disabled. */
  updatedAtMs: number;
}

/**
 * The operational event organizations can subscribe to. Its id is a function of the subscription
 * and the state that was disabled, so replicas deciding the same thing publish one event, and a
 * subscription re-enabled and disabled again gets a new one.
 */
export function webhookDisabledEvent(
  subscription: DisabledSubscription,
  reason: string,
  at: Date,
): EventEnvelope {
  return {
    id: `whdis_${subscription.id}_${subscription.updatedAtMs}`,
    type: WEBHOOK_DISABLED,
    organizationId: subscription.organizationId,
    occurredAt: at.toISOString(),
    source: 'hookstream-dispatcher',
    data: { subscriptionId: subscription.id, url: subscription.url, reason, disabledAt: at.toISOString() },
  };
}
