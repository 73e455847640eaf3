/** The header that carries an event's trace context from its publisher to every delivery of it. */
export const TRACEPARENT_HEADER = 'traceparent';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * A W3C Trace Context `traceparent` (version-traceid-parentid-flags, lowercase hex), or undefined
 * when the value is absent or malformed: as the specification asks of a receiver, a value it
 * cannot parse is dropped, never passed on nor refused.
 */
export function validTraceparent(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId] = match;
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  return value.trim();
}
