import ms, { type StringValue } from 'ms';
import type { ParseResult, Parser } from './config';

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(problem: string): ParseResult<T> => ({ ok: false, problem });

/** Unset and empty mean the same: the default, or "is required". */
function withDefault<T>(fallback: T | undefined, parse: (raw: string) => ParseResult<T>): Parser<T> {
  return {
    parse(raw) {
      if (raw === undefined || raw.trim() === '')
        return fallback === undefined ? fail('is required') : ok(fallback);
      return parse(raw.trim());
    },
  };
}

export function str(options: { default?: string; allowEmpty?: boolean } = {}): Parser<string> {
  return {
    parse(raw) {
      if (raw === undefined) return options.default === undefined ? fail('is required') : ok(options.default);
      if (raw === '' && !options.allowEmpty)
        return options.default === undefined ? fail('must not be empty') : ok(options.default);
      return ok(raw);
    },
  };
}

export function int(options: { default?: number; min?: number; max?: number } = {}): Parser<number> {
  const { min, max } = options;
  const range =
    min !== undefined && max !== undefined
      ? ` between ${min} and ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '';
  return withDefault(options.default, (raw) => {
    const value = Number(raw);
    const valid = /^[+-]?\d+$/.test(raw) && Number.isSafeInteger(value);
    if (!valid || (min !== undefined && value < min) || (max !== undefined && value > max))
      return fail(`must be an integer${range} (got "${raw}")`);
    return ok(value);
  });
}

export function bool(options: { default?: boolean } = {}): Parser<boolean> {
  return withDefault(options.default, (raw) => {
    const value = raw.toLowerCase();
    if (value === 'true' || value === '1') return ok(true);
    if (value === 'false' || value === '0') return ok(false);
    return fail(`must be true, false, 1 or 0 (got "${raw}")`);
  });
}

/**
 * '250ms', '5s', '5m', '2h', '5d' (a fraction allowed) or plain milliseconds; undefined when not a
 * duration. `ms` computes; the pattern keeps to the units operators know from docs/architecture.md §9
 * (`ms` alone would also take '5 weeks', '1y' or '-5s').
 */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)?$/.test(trimmed)) return undefined;
  return Math.round(ms(trimmed.replace(/\s+/, '') as StringValue));
}

/** In milliseconds; the default may be written like the variable ('5d'). */
export function duration(options: { default?: number | string } = {}): Parser<number> {
  const fallback = typeof options.default === 'string' ? parseDurationMs(options.default) : options.default;
  if (options.default !== undefined && fallback === undefined)
    throw new Error(`invalid default duration "${String(options.default)}"`);
  return withDefault(fallback, (raw) => {
    const value = parseDurationMs(raw);
    if (value === undefined) return fail(`must be a duration such as 250ms, 5s, 5m, 2h or 5d (got "${raw}")`);
    return ok(value);
  });
}

/** The value is not echoed in problems: URLs often carry credentials. */
export function url(options: { protocols: readonly string[]; default?: string }): Parser<string> {
  const protocols = options.protocols.map((p) => (p.endsWith(':') ? p : `${p}:`).toLowerCase());
  const expected = protocols.map((p) => `${p}//`).join(' or ');
  return withDefault(options.default, (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail(`must be a URL starting with ${expected}`);
    }
    if (!protocols.includes(parsed.protocol)) return fail(`must be a URL starting with ${expected}`);
    return ok(raw);
  });
}

/**
 * Comma-separated, items trimmed, empty items dropped; an empty value is an empty list.
 * `item` parses each element (e.g. `list({ item: duration() })`).
 */
export function list(options?: { default?: readonly string[] }): Parser<string[]>;
export function list<T>(options: { default?: readonly T[] | string; item: Parser<T> }): Parser<T[]>;
export function list<T>(options: { default?: readonly T[] | string; item?: Parser<T> } = {}): Parser<T[]> {
  const item = options.item ?? (str() as unknown as Parser<T>);
  const parseItems = (raw: string): ParseResult<T[]> => {
    const values: T[] = [];
    const parts = raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    for (const [index, part] of parts.entries()) {
      const result = item.parse(part);
      if (!result.ok) return fail(`item ${index + 1} ${result.problem}`);
      values.push(result.value);
    }
    return ok(values);
  };
  let fallback: T[] | undefined;
  if (typeof options.default === 'string') {
    const parsed = parseItems(options.default);
    if (!parsed.ok) throw new Error(`invalid default list "${options.default}": ${parsed.problem}`);
    fallback = parsed.value;
  } else if (options.default !== undefined) fallback = [...options.default];
  return {
    parse(raw) {
      if (raw === undefined) return fallback === undefined ? fail('is required') : ok([...fallback]);
      return parseItems(raw);
    },
  };
}

/** 32 bytes as 64 hex characters or as base64; the value is never echoed. */
export function secretKey(): Parser<Buffer> {
  return withDefault<Buffer>(undefined, (raw) => {
    if (/^[0-9a-fA-F]{64}$/.test(raw)) return ok(Buffer.from(raw, 'hex'));
    if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
      const bytes = Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64');
      if (bytes.length === 32) return ok(bytes);
    }
    return fail('must be 32 bytes written as 64 hex characters or as base64');
  });
}

export function oneOf<const V extends string>(
  values: readonly V[],
  options: { default?: V } = {},
): Parser<V> {
  return withDefault(options.default, (raw) =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as V)
      : fail(`must be one of ${values.join(', ')} (got "${raw}")`),
  );
}

/** Unset or empty gives undefined instead of "is required". */
export function optional<T>(parser: Parser<T>): Parser<T | undefined> {
  return {
    parse: (raw) => (raw === undefined || raw.trim() === '' ? ok(undefined) : parser.parse(raw)),
  };
}
