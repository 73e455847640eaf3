import {
  type EventEnvelope,
  type EventCatalog,
  validateEnvelope,
  WEBHOOK_DISABLED,
} from '@hookstream/contracts';
import { isRecord } from '../common/validation.rules';

export const MAX_EVENTS_PER_REQUEST = 100;
/** Types only Hookstream itself publishes: accepting them from callers would let anyone forge them. */
export const RESERVED_EVENT_TYPES: ReadonlySet<string> = new Set([WEBHOOK_DISABLED]);

/** Why an event was refused: the `reason` label of `hookstream_events_refused_total`. */
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
  /** The field at fault, dotted from the request body: `type`, `events.3.data`; '' for the body. */
  path: string;
}

const ENVELOPE_FIELDS = ['id', 'type', 'organizationId', 'occurredAt', 'source', 'subject', 'data'];

/** Envelope and schema messages start with the field they are about ("data must be ..."). */
function fieldOf(reason: RejectionReason, message: string): string | undefined {
  if (reason === 'invalid_data') return 'data';
  if (reason === 'unknown_type' || reason === 'reserved_type') return 'type';
  if (reason === 'wrong_organization') return 'organizationId';
  const first = /^([A-Za-z]+) /.exec(message)?.[1];
  return first !== undefined && ENVELOPE_FIELDS.includes(first) ? first : undefined;
}

export type IngestCheck = { ok: true; envelope: EventEnvelope } | { ok: false; problem: IngestProblem };

export interface IngestContext {
  organizationId: string;
  maxBytes: number;
  catalog: EventCatalog;
  /** The event's place in a batch; names it in messages. */
  index?: number;
  /** An id for an event sent without one (`evt_...`), as the CLI would make. */
  newId: () => string;
}

/**
 * Checks one event of an ingest request (docs/architecture.md §3): size, envelope, organization, type
 * and data schema. The organization is the caller's: filled in when absent, and an event naming
 * another one is refused rather than silently moved. A missing id is generated: such an event is
 * stored once per request, so a client that retries should send an id or an Idempotency-Key.
 */
export function checkEvent(input: unknown, context: IngestContext): IngestCheck {
  const where = context.index === undefined ? 'event' : `events[${context.index}]`;
  const at = context.index === undefined ? '' : `events.${context.index}`;
  const fail = (code: IngestProblem['code'], reason: RejectionReason, message: string): IngestCheck => {
    const field = fieldOf(reason, message);
    const path = field === undefined ? at : at === '' ? field : `${at}.${field}`;
    return { ok: false, problem: { code, reason, message: `${where}: ${message}`, path } };
  };
  if (!isRecord(input)) return fail('validation_failed', 'invalid_envelope', 'must be a JSON object');
  const candidate = {
    ...input,
    ...(input.id === undefined ? { id: context.newId() } : {}),
    ...(input.organizationId === undefined ? { organizationId: context.organizationId } : {}),
  };
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
