import type { EventId, OrganizationId } from './ids';
import { isEventType, isToken, subjects } from './streams';
import { TRACEPARENT_HEADER } from './trace';
import type { WireMessage } from './wire';

/** The upstream event envelope (docs/architecture.md §3). */
export interface EventEnvelope {
  id: EventId;
  type: string;
  organizationId: OrganizationId;
  occurredAt: string;
  source?: string;
  subject?: string;
  data: Record<string, unknown>;
}

export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
const ENVELOPE_FIELDS = new Set(['id', 'type', 'organizationId', 'occurredAt', 'source', 'subject', 'data']);

export type EnvelopeProblem =
  | { code: 'invalid_json'; message: string }
  | { code: 'too_large'; message: string }
  | { code: 'invalid_envelope'; message: string }
  | { code: 'subject_mismatch'; message: string };

export type EnvelopeResult = { ok: true; envelope: EventEnvelope } | { ok: false; problem: EnvelopeProblem };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time whose calendar date exists (Date.parse rolls 02-30 over to March). */
export function isIsoDateTime(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
}

/** Checks the envelope's shape; the type's data schema is checked by the catalog. */
export function validateEnvelope(value: unknown): EnvelopeResult {
  const fail = (message: string): EnvelopeResult => ({
    ok: false,
    problem: { code: 'invalid_envelope', message },
  });
  if (!isRecord(value)) return fail('the event must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!ENVELOPE_FIELDS.has(key)) return fail(`unknown field "${key}"`);
  }
  const { id, type, organizationId, occurredAt, source, subject, data } = value;
  if (typeof id !== 'string' || !EVENT_ID_PATTERN.test(id))
    return fail('id must be 1-128 characters of [A-Za-z0-9_.:-]');
  if (typeof type !== 'string' || !isEventType(type)) return fail('type must be a valid event type');
  if (typeof organizationId !== 'string' || !isToken(organizationId))
    return fail('organizationId must be 1-64 characters of [A-Za-z0-9_-]');
  if (typeof occurredAt !== 'string' || !isIsoDateTime(occurredAt))
    return fail('occurredAt must be an ISO 8601 date-time');
  if (source !== undefined && (typeof source !== 'string' || source.length > 255))
    return fail('source must be a string of at most 255 characters');
  if (subject !== undefined && (typeof subject !== 'string' || subject.length > 255))
    return fail('subject must be a string of at most 255 characters');
  if (!isRecord(data)) return fail('data must be a JSON object');
  const envelope: EventEnvelope = { id, type, organizationId, occurredAt, data };
  if (source !== undefined) envelope.source = source;
  if (subject !== undefined) envelope.subject = subject;
  return { ok: true, envelope };
}

/** Decodes a raw message body: size, JSON, shape, and agreement with the subject it arrived on. */
export function decodeEnvelope(
  raw: Uint8Array,
  expected?: { organizationId: string; type: string },
  maxBytes = DEFAULT_MAX_EVENT_BYTES,
): EnvelopeResult {
  if (raw.byteLength > maxBytes)
    return {
      ok: false,
      problem: { code: 'too_large', message: `event is ${raw.byteLength} bytes, over ${maxBytes}` },
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      problem: { code: 'invalid_json', message: `not valid JSON: ${(error as Error).message}` },
    };
  }
  const result = validateEnvelope(parsed);
  if (!result.ok || !expected) return result;
  if (result.envelope.organizationId !== expected.organizationId || result.envelope.type !== expected.type) {
    return {
      ok: false,
      problem: {
        code: 'subject_mismatch',
        message: `envelope (${result.envelope.organizationId}, ${result.envelope.type}) disagrees with its subject (${expected.organizationId}, ${expected.type})`,
      },
    };
  }
  return result;
}

/**
 * An envelope ready to publish on EVENTS: its subject from the organization and the type, the
 * event id as Nats-Msg-Id (a retried publish is stored once), and its trace context when it has one.
 */
export function eventMessage(envelope: EventEnvelope, traceparent?: string): WireMessage {
  return {
    subject: subjects.event(envelope.organizationId, envelope.type),
    payload: JSON.stringify(envelope),
    msgId: envelope.id,
    headers: traceparent === undefined ? {} : { [TRACEPARENT_HEADER]: traceparent },
  };
}
