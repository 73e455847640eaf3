import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import {
  DEFAULT_MAX_EVENT_BYTES,
  EventCatalog,
  eventMessage,
  validateEnvelope,
  validTraceparent,
  type EventEnvelope,
} from '@hookstream/contracts';

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
    const message = eventMessage(envelope, validTraceparent(options.traceparent));
    if (Buffer.byteLength(message.payload) > this.maxBytes)
      throw new EventRejectedError('too_large', `event is over ${this.maxBytes} bytes`);
    const ack = await this.js.publish(message.subject, message.payload, {
      msgID: message.msgId,
      ...(Object.keys(message.headers).length > 0 ? { headers: natsHeadersOf(message.headers) } : {}),
    });
    return { id: envelope.id, seq: ack.seq, duplicate: ack.duplicate };
  }
}

function natsHeadersOf(values: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(values)) h.set(name, value);
  return h;
}
