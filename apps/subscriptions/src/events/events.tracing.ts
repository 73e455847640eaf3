import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_RPC_METHOD,
} from '@opentelemetry/semantic-conventions';
import { activeTracer, contextFromTraceparent, DomainError, traceparentOf } from '@hookstream/platform';

export interface IngestRequest {
  organizationId: string;
  count: number;
  via: 'http' | 'grpc';
  /** The caller's trace context, already validated. */
  traceparent: string | undefined;
}

/**
 * Runs `store` with the trace context the events are stored with: the caller's when tracing is
 * off; with tracing on, the ingest span's (server kind, child of the caller's context), so the
 * fan-out and the attempts of every event of the request hang under it (docs/architecture.md §6).
 */
export async function traceIngest<T>(
  request: IngestRequest,
  store: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined) return store(request.traceparent);
  const http = request.via === 'http';
  const span = tracer.startSpan(
    http ? 'POST /events' : 'hookstream.v1.Events/Publish',
    {
      kind: SpanKind.SERVER,
      attributes: {
        ...(http
          ? { [ATTR_HTTP_REQUEST_METHOD]: 'POST', [ATTR_HTTP_ROUTE]: '/events' }
          : { 'rpc.system': 'grpc', [ATTR_RPC_METHOD]: 'hookstream.v1.Events/Publish' }),
        'hookstream.organization.id': request.organizationId,
        'hookstream.event.count': request.count,
      },
    },
    contextFromTraceparent(request.traceparent),
  );
  try {
    return await store(traceparentOf(span));
  } catch (error) {
    // A refused request is the caller's error (4xx): the span records why but is not failed.
    const refused = error instanceof DomainError && error.code !== 'unavailable' && error.code !== 'internal';
    span.setAttribute(ATTR_ERROR_TYPE, error instanceof DomainError ? error.code : 'internal');
    if (!refused) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
