import { decodeEnvelope, eventMessage, type EventEnvelope } from './envelope';
import type { OrganizationId, SubscriptionId } from './ids';
import { parseEventSubject, subjects } from './streams';
import type { WireMessage } from './wire';

/**
 * `webhook.disabled`: Hookstream's own event on EVENTS, published by the dispatcher when it stops
 * delivering to a subscription, applied by the subscriptions service, and delivered to whoever
 * subscribes to it (docs/architecture.md §6). Its data schema is in the event catalog.
 */
export const WEBHOOK_DISABLED = 'webhook.disabled';

export interface DisabledSubscription {
  id: SubscriptionId;
  organizationId: OrganizationId;
  url: string;
  /** Last change of the subscription state that was disabled. */
  updatedAtMs: number;
}

export type WebhookDisabledData = {
  subscriptionId: SubscriptionId;
  url: string;
  reason: string;
  disabledAt: string;
};

/**
 * The event for a subscription just disabled. Its id is a function of the subscription and the
 * state that was disabled, so replicas deciding the same thing publish one event, and a
 * subscription re-enabled and disabled again gets a new one.
 */
export function webhookDisabledEvent(
  subscription: DisabledSubscription,
  reason: string,
  at: Date,
): EventEnvelope {
  const data: WebhookDisabledData = {
    subscriptionId: subscription.id,
    url: subscription.url,
    reason,
    disabledAt: at.toISOString(),
  };
  return {
    id: `whdis_${subscription.id}_${subscription.updatedAtMs}`,
    type: WEBHOOK_DISABLED,
    organizationId: subscription.organizationId,
    occurredAt: at.toISOString(),
    source: 'hookstream-dispatcher',
    data,
  };
}

/** On `events.<org>.webhook.disabled`, under the event id. */
export function webhookDisabledMessage(event: EventEnvelope): WireMessage {
  return eventMessage(event);
}

/** What the subscriptions service consumes: every organization's `webhook.disabled`. */
export const WEBHOOK_DISABLED_FILTER = subjects.eventsOfType(WEBHOOK_DISABLED);

export type DecodedWebhookDisabled =
  | {
      ok: true;
      organizationId: OrganizationId;
      subscriptionId: SubscriptionId;
      reason: string;
      event: EventEnvelope;
    }
  | { ok: false; reason: string };

/** Decodes a `webhook.disabled` event into the change it asks for; never throws. */
export function decodeWebhookDisabled(
  subject: string,
  raw: Uint8Array,
  maxBytes: number,
): DecodedWebhookDisabled {
  const where = parseEventSubject(subject);
  if (!where || where.type !== WEBHOOK_DISABLED)
    return { ok: false, reason: `unexpected subject ${subject}` };
  const decoded = decodeEnvelope(raw, where, maxBytes);
  if (!decoded.ok) return { ok: false, reason: decoded.problem.message };
  const { subscriptionId, reason } = decoded.envelope.data;
  if (typeof subscriptionId !== 'string' || subscriptionId === '')
    return { ok: false, reason: 'webhook.disabled without a subscriptionId' };
  return {
    ok: true,
    organizationId: where.organizationId,
    subscriptionId,
    reason: typeof reason === 'string' && reason !== '' ? reason : 'disabled by the dispatcher',
    event: decoded.envelope,
  };
}
