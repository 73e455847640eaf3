/**
 * Postgres text and jsonb refuse NUL characters and lone UTF-16 surrogates, both of which a
 * response body or an event's JSON may contain; one such value would stall the projection
 * forever, so they are replaced before they reach a row.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function pgText(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

export function pgTextOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : pgText(value);
}

/** The same value with every string (keys included) made storable. */
export function pgJson<T>(value: T): T {
  if (typeof value === 'string') return pgText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => pgJson(item)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[pgText(key)] = pgJson(item);
    return out as T;
  }
  return value;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(value: string, maxBytes: number): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= maxBytes) return value;
  let end = maxBytes;
  // A continuation byte (10xxxxxx) right after the cut means the cut splits a character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
