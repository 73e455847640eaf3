import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import type { Dispatch } from '@hookstream/contracts';
import { contextFromTraceparent } from '@hookstream/platform';
import type { Route } from '../routing/route.state';
import type { HttpResult } from './http-sender.client';

function hostAndPort(origin: string): { host: string; port: number } {
  const url = new URL(origin);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/**
 * The client span of one HTTP attempt (docs/architecture.md §6): a child of the fan-out span
 * for a first attempt made there (`parent`), otherwise of the dispatch's trace context. Its own
 * context is the `traceparent` the request carries.
 */
export function startAttemptSpan(
  tracer: Tracer,
  dispatch: Dispatch,
  route: Route,
  attempt: number,
  parent: Context | undefined,
): Span {
  const { host, port } = hostAndPort(route.origin);
  return tracer.startSpan(
    'POST',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: 'POST',
        [ATTR_SERVER_ADDRESS]: host,
        [ATTR_SERVER_PORT]: port,
        ...(attempt > 1 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1 } : {}),
        'hookstream.attempt': attempt,
        'hookstream.dispatch.id': dispatch.dispatchId,
        'hookstream.subscription.id': dispatch.subscriptionId,
        'hookstream.event.id': dispatch.eventId,
        'hookstream.event.type': dispatch.eventType,
        'hookstream.organization.id': dispatch.organizationId,
      },
    },
    parent ?? contextFromTraceparent(dispatch.traceparent),
  );
}

/** Status code, and an error status for anything but a 2xx (a redirect is not followed: it fails too). */
export function endAttemptSpan(span: Span, result: HttpResult): void {
  if (result.status !== null) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
  if (result.interrupted) span.setAttribute('hookstream.interrupted', true);
  else if (result.status === null || result.status < 200 || result.status >= 300) {
    span.setAttribute(ATTR_ERROR_TYPE, result.status === null ? 'no_response' : String(result.status));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      ...(result.error === null ? {} : { message: result.error }),
    });
  }
  span.end();
}
