import { type EventEnvelope, decodeEnvelope, parseEventSubject } from '@hookstream/contracts';

export type DisableDecision =
  | { ok: true; organizationId: string; subscriptionId: string; reason: string; event: EventEnvelope }
  | { ok: false; reason: string };

/** Decodes a `webhook.disabled` event (published by the dispatcher) into the change it asks for. */
export function decodeDisableEvent(subject: string, raw: Uint8Array, maxBytes: number): DisableDecision {
  const where = parseEventSubject(subject);
  if (!where || where.type !== 'webhook.disabled')
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
