import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { EventCatalog } from '../catalog';
import { DEFAULT_MAX_EVENT_BYTES, validateEnvelope, type EventEnvelope } from '../envelope';
import { subjects } from '../streams';
import { TRACEPARENT_HEADER, validTraceparent } from '../trace';

export class EventRejectedError extends Error {
  constructor(
    readonly code: 'invalid_envelope' | 'unknown_type' | 'invalid_data' | 'too_large',
    message: string,
  ) {
    super(message);
    this.name = 'EventRejectedError';
  }
}

export interface PublishedEvent {
  id: string;
  seq: number;
  /** The same event id was already stored: the publish was a no-op. */
  duplicate: boolean;
}

/**
 * Lets an upstream Node service publish straight to EVENTS with the guarantees of
 * `POST /events`: the envelope and the built-in type's schema are checked before
 * anything is sent, the subject is derived from the envelope, and `Nats-Msg-Id` is
 * the event id, so a retried publish is stored once.
 */
export class EventPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly catalog: EventCatalog = new EventCatalog(),
    private readonly maxBytes = DEFAULT_MAX_EVENT_BYTES,
  ) {}

  /** `traceparent` (W3C Trace Context) is carried onto every delivery of the event; a malformed one is dropped. */
  async publish(event: EventEnvelope, options: { traceparent?: string } = {}): Promise<PublishedEvent> {
    const checked = validateEnvelope(event);
    if (!checked.ok) throw new EventRejectedError('invalid_envelope', checked.problem.message);
    const { envelope } = checked;
    const verdict = this.catalog.validate(envelope.organizationId, envelope.type, envelope.data);
    if (!verdict.ok) throw new EventRejectedError(verdict.code, verdict.message);
    const body = JSON.stringify(envelope);
    if (Buffer.byteLength(body) > this.maxBytes)
      throw new EventRejectedError('too_large', `event is over ${this.maxBytes} bytes`);
    const trace = validTraceparent(options.traceparent);
    const ack = await this.js.publish(subjects.event(envelope.organizationId, envelope.type), body, {
      msgID: envelope.id,
      ...(trace ? { headers: traceHeaders(trace) } : {}),
    });
    return { id: envelope.id, seq: ack.seq, duplicate: ack.duplicate };
  }
}

function traceHeaders(traceparent: string): MsgHdrs {
  const h = natsHeaders();
  h.set(TRACEPARENT_HEADER, traceparent);
  return h;
}
