import type { Dispatch } from '@hookstream/contracts';
import { signedHeaders } from '@hookstream/webhooks';
import { signingSecrets, type Route } from '../routing/route.state';
import type { HttpRequest } from './http-sender.client';

/** Custom header names whose values the delivery log does not keep. */
const CREDENTIAL_HEADER = /auth|cookie|token|secret|key|password|session|signature/i;
export const MASKED_VALUE = '********';

/**
 * The request's headers as the delivery log keeps them: everything that was sent, except the
 * values of the subscriber's own headers that look like credentials (`Authorization`,
 * `X-Api-Key`, cookies ...). The signatures are kept: they reveal nothing of the secret.
 */
export function loggedHeaders(
  sent: Readonly<Record<string, string>>,
  custom: ReadonlyArray<readonly [string, string]>,
): Record<string, string> {
  const logged = { ...sent };
  // Only where the custom value is what went out: a signed header of the same name won over it.
  for (const [name, value] of custom)
    if (CREDENTIAL_HEADER.test(name) && logged[name] === value) logged[name] = MASKED_VALUE;
  return logged;
}

/**
 * The request of one attempt: the body fixed at creation, a fresh timestamp and signatures, the
 * dispatch id as `webhook-id` on every attempt, the subscriber's own headers (reserved names were
 * refused when the subscription was written; a signed header always wins over a custom one).
 */
export function buildRequest(
  dispatch: Dispatch,
  route: Route,
  nowMs: number,
  defaultTimeoutMs: number,
): HttpRequest {
  const headers = signedHeaders({
    profile: route.state.profile,
    secrets: signingSecrets(route, nowMs),
    dispatchId: dispatch.dispatchId,
    subscriptionId: route.id,
    timestampSeconds: Math.floor(nowMs / 1000),
    body: dispatch.body,
  });
  if (route.headers.length > 0) {
    const taken = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    for (const [name, value] of route.headers) if (!taken.has(name.toLowerCase())) headers[name] = value;
  }
  if (dispatch.traceparent !== undefined) headers.traceparent = dispatch.traceparent;
  return {
    path: route.path,
    headers,
    body: dispatch.body,
    timeoutMs: route.state.timeoutMs ?? defaultTimeoutMs,
  };
}
