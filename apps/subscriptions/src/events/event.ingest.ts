import { type EventEnvelope, type EventCatalog, validateEnvelope } from '@hookstream/contracts';
import { isRecord } from '../common/validation';

export const MAX_EVENTS_PER_REQUEST = 100;
/** Types only Hookstream itself publishes: accepting them from callers would let anyone forge them. */
export const RESERVED_EVENT_TYPES: ReadonlySet<string> = new Set(['webhook.disabled']);

/** Why an event was refused: the `reason` label of `hookstream_events_rejected_total`. */
export type RejectionReason =
  | 'invalid_json'
  | 'invalid_batch'
  | 'invalid_envelope'
  | 'too_large'
  | 'wrong_organization'
  | 'reserved_type'
  | 'unknown_type'
  | 'invalid_data';

export interface IngestProblem {
  code: 'validation_failed' | 'forbidden' | 'payload_too_large';
  reason: RejectionReason;
  message: string;
}

export type IngestCheck = { ok: true; envelope: EventEnvelope } | { ok: false; problem: IngestProblem };

/**
 * Checks one event of an ingest request (ARCHITECTURE §3): size, envelope, organization, type
 * and data schema. The organization is the caller's: filled in when absent, and an event naming
 * another one is refused rather than silently moved. `index` names the event in messages.
 */
export function checkEvent(
  input: unknown,
  context: { organizationId: string; maxBytes: number; catalog: EventCatalog; index?: number },
): IngestCheck {
  const where = context.index === undefined ? 'event' : `events[${context.index}]`;
  const fail = (code: IngestProblem['code'], reason: RejectionReason, message: string): IngestCheck => ({
    ok: false,
    problem: { code, reason, message: `${where}: ${message}` },
  });
  if (!isRecord(input)) return fail('validation_failed', 'invalid_envelope', 'must be a JSON object');
  const candidate =
    input.organizationId === undefined ? { ...input, organizationId: context.organizationId } : input;
  const size = Buffer.byteLength(JSON.stringify(candidate));
  if (size > context.maxBytes)
    return fail('payload_too_large', 'too_large', `is ${size} bytes, over the limit of ${context.maxBytes}`);
  if (candidate.organizationId !== context.organizationId)
    return fail(
      'forbidden',
      'wrong_organization',
      `organizationId must be the organization of the request (${context.organizationId})`,
    );
  const envelope = validateEnvelope(candidate);
  if (!envelope.ok) return fail('validation_failed', 'invalid_envelope', envelope.problem.message);
  if (RESERVED_EVENT_TYPES.has(envelope.envelope.type))
    return fail(
      'validation_failed',
      'reserved_type',
      `type ${envelope.envelope.type} is published by Hookstream itself`,
    );
  const data = context.catalog.validate(
    context.organizationId,
    envelope.envelope.type,
    envelope.envelope.data,
  );
  if (!data.ok) return fail('validation_failed', data.code, data.message);
  return { ok: true, envelope: envelope.envelope };
}

/** `{"events": [...]}` is a batch; anything else is one event. */
export function splitBatch(body: unknown): { batch: boolean; events: unknown[] } {
  if (isRecord(body) && Object.keys(body).length === 1 && Array.isArray(body.events))
    return { batch: true, events: body.events };
  return { batch: false, events: [body] };
}
