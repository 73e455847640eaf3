/**
 * An example for a body from its schema: the examples the DTOs give, then defaults, the first
 * enum value, and a plausible value of the type. Every request and response body gets one, so
 * readers and generated clients see a filled-in body rather than bare types.
 */
type Schema = Record<string, unknown>;

const FORMAT_EXAMPLES: Record<string, unknown> = {
  'date-time': '2026-11-23T10:00:00.000Z',
  uri: 'https://example.com/webhooks',
  url: 'https://example.com/webhooks',
};

export function exampleOf(schema: unknown, schemas: Record<string, Schema>, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return undefined;
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop()!;
    return exampleOf(schemas[name], schemas, depth + 1);
  }
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ['oneOf', 'anyOf', 'allOf'])
    if (Array.isArray(s[key]) && (s[key] as unknown[]).length > 0)
      return exampleOf((s[key] as unknown[])[0], schemas, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return objectExample(s, schemas, depth);
    case 'array': {
      const item = exampleOf(s.items, schemas, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'string':
      return typeof s.format === 'string' && s.format in FORMAT_EXAMPLES
        ? FORMAT_EXAMPLES[s.format]
        : 'string';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return true;
    default:
      return s.properties ? objectExample(s, schemas, depth) : undefined;
  }
}

/** An optional field appears in an example only when the DTO says what it looks like. */
function described(property: unknown): boolean {
  if (typeof property !== 'object' || property === null) return false;
  const p = property as Schema;
  return (
    ['example', 'default', 'enum', '$ref', 'allOf'].some((key) => p[key] !== undefined) || described(p.items)
  );
}

function objectExample(s: Schema, schemas: Record<string, Schema>, depth: number): Record<string, unknown> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name) && !described(property)) continue;
    const value = exampleOf(property, schemas, depth + 1);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
