import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { STREAMS } from '@hookstream/contracts';
import { contextFromTraceparent } from '@hookstream/platform';
import type { EventCheck } from './fanout-check.decision';

/** The fan-out span of one event (consumer kind): a child of the event's trace context. */
export function startFanoutSpan(
  tracer: Tracer,
  subject: string,
  seq: number,
  traceparent: string | undefined,
): Span {
  return tracer.startSpan(
    'fanout',
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': subject,
        'messaging.message.id': String(seq),
        'hookstream.stream': STREAMS.events,
      },
    },
    contextFromTraceparent(traceparent),
  );
}

/** What the check found: the event, or why it was rejected (an error status). */
export function describeFanout(span: Span, check: EventCheck): void {
  if (!check.ok) {
    span.setAttribute(ATTR_ERROR_TYPE, check.rejection.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: check.rejection.message });
    return;
  }
  span.setAttributes({
    'hookstream.event.id': check.envelope.id,
    'hookstream.event.type': check.envelope.type,
    'hookstream.organization.id': check.envelope.organizationId,
    'hookstream.subscriptions.matched': check.routes.length,
    'hookstream.subscriptions.filtered': check.filtered,
  });
}
