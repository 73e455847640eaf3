/**
 * Custom headers a subscription adds to every request. Names the transport or the signatures own
 * are refused: a custom value there would corrupt framing or let a subscriber spoof a signature.
 */
export const MAX_CUSTOM_HEADERS = 20;
const MAX_NAME_LENGTH = 256;
const MAX_VALUE_LENGTH = 4096;

/** RFC 7230 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 field-value characters: visible ASCII, space, tab and obs-text; no CR, LF, NUL or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'user-agent',
  'x-webhook-signature',
]);
const RESERVED_PREFIXES = ['proxy-', 'webhook-', 'x-webhooks-', 'x-apify-'];

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** null when the value is an acceptable set of custom headers, otherwise why not. */
export function validateCustomHeaders(headers: unknown): string | null {
  if (!isPlainObject(headers)) return 'headers must be an object of header names to string values';
  const entries = Object.entries(headers);
  if (entries.length > MAX_CUSTOM_HEADERS) return `at most ${MAX_CUSTOM_HEADERS} custom headers are allowed`;
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (!TOKEN.test(name) || name.length > MAX_NAME_LENGTH)
      return `header name "${name}" must be an HTTP token of at most ${MAX_NAME_LENGTH} characters`;
    if (isReservedHeader(name)) return `header "${name}" is reserved`;
    if (seen.has(name.toLowerCase())) return `header "${name}" is given twice`;
    seen.add(name.toLowerCase());
    if (typeof value !== 'string') return `header "${name}" must have a string value`;
    if (value.length > MAX_VALUE_LENGTH)
      return `header "${name}" must be at most ${MAX_VALUE_LENGTH} characters`;
    if (!FIELD_VALUE.test(value))
      return `header "${name}" may not contain line breaks, control characters or characters beyond Latin-1`;
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
