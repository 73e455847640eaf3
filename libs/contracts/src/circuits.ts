import type { DispatchRef } from './delivery-facts';
import type { DispatchId, OrganizationId, SubscriptionId } from './ids';

/**
 * An endpoint's circuit, one per subscription. `closed`: deliveries flow. `open`: the endpoint kept
 * failing, its dispatches are parked and one probe is sent when `nextProbeAt` comes. A user's
 * recover request is a `closed` record with `recoveredBy: 'api'`: every dispatcher drains at once.
 */
export type CircuitStateName = 'closed' | 'open';

export interface CircuitRecord {
  subscriptionId: SubscriptionId;
  organizationId: OrganizationId;
  state: CircuitStateName;
  /** When the circuit entered this state. */
  since: string;
  /** Failed attempts in a row behind the last transition. */
  consecutiveFailures: number;
  /** When an open circuit sends its next probe; null when closed. */
  nextProbeAt: string | null;
  /** Probes that failed since the circuit opened (the back-off's exponent). */
  failedProbes: number;
  /** Why it opened: the last failure seen. */
  reason: string | null;
  recoveredBy?: 'api';
}

/**
 * A dispatch set aside on PARKED. It points at the DELIVERIES fact that carries the dispatch
 * (`created` or `attempted`), so the dispatch is stored once; the ref is kept beside it so that a
 * dispatch whose fact aged out of the log can still be recorded as failed.
 */
export interface ParkedEntry {
  version: 1;
  /** DELIVERIES sequence of the fact carrying the dispatch. */
  factSeq: number;
  ref: DispatchRef;
  /** The attempt this entry stands for (1-based within its round). */
  attempt: number;
  /** When that attempt is due (a parked retry is not sent before). */
  dueAt: string;
  /** When the dispatch's first attempt was due: with the schedule it tells when the dispatch ends. */
  firstDueAt: string;
  parkedAt: string;
}

export function decodeCircuitRecord(raw: Uint8Array): CircuitRecord | undefined {
  const value = parseObject(raw);
  if (!value) return undefined;
  const state = value.state;
  if (state !== 'closed' && state !== 'open') return undefined;
  if (typeof value.subscriptionId !== 'string' || typeof value.organizationId !== 'string') return undefined;
  if (typeof value.since !== 'string' || typeof value.consecutiveFailures !== 'number') return undefined;
  return value as unknown as CircuitRecord;
}

export function decodeParkedEntry(raw: Uint8Array): ParkedEntry | undefined {
  const value = parseObject(raw);
  if (!value || value.version !== 1) return undefined;
  if (typeof value.factSeq !== 'number' || typeof value.attempt !== 'number') return undefined;
  if (typeof value.dueAt !== 'string' || typeof value.firstDueAt !== 'string') return undefined;
  const ref = value.ref as Partial<DispatchRef> | undefined;
  if (typeof ref?.dispatchId !== 'string' || typeof ref.subscriptionId !== 'string') return undefined;
  return value as unknown as ParkedEntry;
}

/** Nats-Msg-Id of a park: the same attempt parked twice within the duplicate window is stored once. */
export function parkedMessageId(dispatchId: DispatchId, round: string, attempt: number): string {
  return `${dispatchId}:${round}:parked:${attempt}`;
}

function parseObject(raw: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(
      Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'),
    );
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
