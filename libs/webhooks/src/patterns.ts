/**
 * Subscription patterns (docs/architecture.md §4): an exact type, `prefix.*` (exactly one more segment),
 * `prefix.>` (one or more further segments) or `*` (every type). The grammar is the NATS subject
 * grammar restricted to a trailing wildcard, so a pattern is also a valid EVENTS filter suffix.
 */
export const MAX_PATTERN_LENGTH = 128;

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const WILDCARDS = new Set(['*', '>']);

/** null when the pattern is acceptable, otherwise why not. */
export function validatePattern(pattern: string): string | null {
  if (pattern.length === 0) return 'pattern must not be empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern must be at most ${MAX_PATTERN_LENGTH} characters`;
  if (pattern === '*') return null;
  if (pattern === '>') return 'use "*" to match every event type';
  const segments = pattern.split('.');
  for (const [index, segment] of segments.entries()) {
    if (segment.length === 0) return `pattern "${pattern}" has an empty segment`;
    if (WILDCARDS.has(segment)) {
      if (index !== segments.length - 1) return `wildcard "${segment}" is only allowed as the last segment`;
      continue;
    }
    if (!SEGMENT.test(segment))
      return `segment "${segment}" may only contain A-Z, a-z, 0-9, "_" and "-", or be a whole "*" or ">"`;
  }
  return null;
}

/** Whether a (valid) pattern selects the event type. Case-sensitive, like NATS subjects. */
export function matchesPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  const prefix = pattern.slice(0, -2);
  if (pattern.endsWith('.*')) {
    return type.startsWith(`${prefix}.`) && !type.slice(prefix.length + 1).includes('.');
  }
  if (pattern.endsWith('.>')) return type.length > prefix.length + 1 && type.startsWith(`${prefix}.`);
  return pattern === type;
}

export function matchesAny(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, type));
}

/**
 * True when the pattern selects at least one of the registered types: a pattern that selects
 * nothing is almost always a typo, so subscriptions refuse it.
 */
export function patternTypes(pattern: string, registeredTypes: readonly string[]): boolean {
  return registeredTypes.some((type) => matchesPattern(pattern, type));
}
