import type { DispatchId } from './ids';
import type { DispatchRef } from './delivery-facts';
import type { EventEnvelope } from './envelope';

/**
 * A dispatch of an ordered subscription on ORDERED (`ordered.<org>.<sub>`), appended in the order
 * EVENTS stored the events. It points at the `dispatch.created` fact on DELIVERIES, so the
 * dispatch is stored once; the ref is kept beside it so that a dispatch whose fact aged out of the
 * log can still be recorded as failed.
 */
export interface OrderedEntry {
  version: 1;
  /** DELIVERIES sequence of the `dispatch.created` fact. */
  factSeq: number;
  ref: DispatchRef;
  /** The event's `subject` ('' without one): entries of one key are delivered one after another. */
  key: string;
  /** EVENTS sequence of the event. */
  eventSeq: number;
}

/** The key an ordered subscription orders by: events without a subject form one key of their own. */
export function orderingKeyOf(event: Pick<EventEnvelope, 'subject'>): string {
  return event.subject ?? '';
}

export function decodeOrderedEntry(raw: Uint8Array): OrderedEntry | undefined {
  let value: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'),
    );
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    value = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (value.version !== 1 || typeof value.factSeq !== 'number' || typeof value.key !== 'string')
    return undefined;
  if (typeof value.eventSeq !== 'number') return undefined;
  const ref = value.ref as Partial<DispatchRef> | undefined;
  if (typeof ref?.dispatchId !== 'string' || typeof ref.subscriptionId !== 'string') return undefined;
  return value as unknown as OrderedEntry;
}

/** Nats-Msg-Id of an ordered entry: the same dispatch sequenced twice within the duplicate window is stored once. */
export function orderedMessageId(dispatchId: DispatchId, round: string): string {
  return `${dispatchId}:${round}:ordered`;
}
