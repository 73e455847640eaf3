import type { EventEnvelope } from '@hookstream/contracts';
import { RE2JS, RE2JSSyntaxException } from 're2js';
import {
  $all,
  $and,
  $elemMatch,
  $eq,
  $exists,
  $gt,
  $gte,
  $in,
  $lt,
  $lte,
  $mod,
  $ne,
  $nin,
  $nor,
  $not,
  $options,
  $or,
  $size,
  $type,
  createEqualsOperation,
  createQueryTester,
  type Query,
} from 'sift';

/**
 * Payload filters: MongoDB query documents evaluated by sift against the event (see
 * docs/api.md, "Payload filters"). A filter is data, never code: `$where` (JavaScript) is not
 * offered, and `$regex` runs on re2js (linear time), since filters run on every event in the fan-out.
 */
export type PayloadFilter = Record<string, unknown>;

/** What a filter sees of an event. */
export interface FilterDocument {
  type: string;
  source: string | null;
  subject: string | null;
  data: Record<string, unknown>;
  metadata: { id: string; organizationId: string; occurredAt: string };
}

/** Serialized size bound: filters are stored with the subscription and travel in every SUBSCRIPTIONS fact. */
export const MAX_FILTER_BYTES = 4 * 1024;
/** Nesting bound of objects and arrays: compiling and evaluating recurse on it. */
export const MAX_FILTER_DEPTH = 8;
export const MAX_REGEX_LENGTH = 512;
export const FILTER_FIELDS = ['type', 'source', 'subject', 'data', 'metadata'] as const;
const TYPE_ALIASES = ['number', 'string', 'bool', 'array', 'null'];
const LOGICAL = new Set(['$and', '$or', '$nor']);

type ParamCheck = (value: unknown) => string | null;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const scalar: ParamCheck = (v) =>
  typeof v === 'number' || typeof v === 'string' ? null : 'must be a number or a string';
const list: ParamCheck = (v) => (Array.isArray(v) ? null : 'must be an array');
const queries: ParamCheck = (v) =>
  Array.isArray(v) && v.length > 0 && v.every(isRecord) ? null : 'must be a non-empty array of filters';
const object: ParamCheck = (v) => (isRecord(v) ? null : 'must be an object');

/** The operators offered, each with the shape its operand must have. */
const OPERAND_CHECKS: Record<string, ParamCheck> = {
  $eq: () => null,
  $ne: () => null,
  $gt: scalar,
  $gte: scalar,
  $lt: scalar,
  $lte: scalar,
  $in: list,
  $nin: list,
  $all: list,
  $exists: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  $type: (v) =>
    typeof v === 'string' && TYPE_ALIASES.includes(v) ? null : `must be one of ${TYPE_ALIASES.join(', ')}`,
  $regex: (v) => (typeof v === 'string' ? regexProblem(v) : 'must be a string'),
  $options: (v) => (typeof v === 'string' && /^[ims]*$/.test(v) ? null : 'must use only the flags i, m, s'),
  $mod: (v) =>
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    v[0] !== 0
      ? null
      : 'must be [divisor, remainder] with a non-zero divisor',
  $size: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : 'must be a whole number'),
  $elemMatch: object,
  $not: object,
  $and: queries,
  $or: queries,
  $nor: queries,
};
export const FILTER_OPERATORS: readonly string[] = Object.keys(OPERAND_CHECKS);

function regexProblem(pattern: string): string | null {
  if (pattern.length > MAX_REGEX_LENGTH) return `must be at most ${MAX_REGEX_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    const detail = error instanceof RE2JSSyntaxException ? error.message : 'invalid pattern';
    return `is not a valid regular expression (RE2 syntax): ${detail}`;
  }
}

function re2Flags(options: unknown): number {
  const text = typeof options === 'string' ? options : '';
  let flags = 0;
  if (text.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (text.includes('m')) flags |= RE2JS.MULTILINE;
  if (text.includes('s')) flags |= RE2JS.DOTALL;
  return flags;
}

type Options = Parameters<typeof createEqualsOperation>[2];

const OPERATIONS = {
  $eq,
  $ne,
  $gt,
  $gte,
  $lt,
  $lte,
  $in,
  $nin,
  $all,
  $exists,
  $type,
  $options,
  $mod,
  $size,
  $elemMatch,
  $not,
  $and,
  $or,
  $nor,
  // sift's own $regex builds a backtracking RegExp; this one matches in linear time.
  $regex: (pattern: string, ownerQuery: Record<string, unknown>, options: Options) => {
    const compiled = RE2JS.compile(pattern, re2Flags(ownerQuery['$options']));
    return createEqualsOperation(
      (value: unknown) => typeof value === 'string' && compiled.test(value),
      ownerQuery,
      options,
    );
  },
};

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (isRecord(value)) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** Operators anywhere in the filter; the first problem found, with where it is. */
function operatorProblem(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = operatorProblem(item, `${path}[${index}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (!isRecord(value)) return null;
  for (const [key, operand] of Object.entries(value)) {
    const where = path === '' ? key : `${path}.${key}`;
    if (key.startsWith('$')) {
      const check = OPERAND_CHECKS[key];
      if (check === undefined)
        return `unknown operator "${key}" at ${where}; supported: ${FILTER_OPERATORS.join(', ')}`;
      const problem = check(operand);
      if (problem !== null) return `${where} ${problem}`;
    }
    const nested = operatorProblem(operand, where);
    if (nested !== null) return nested;
  }
  return null;
}

/** Top-level keys (and those of top-level $and/$or/$nor) must name a part of the event. */
function fieldProblem(filter: Record<string, unknown>): string | null {
  for (const [key, operand] of Object.entries(filter)) {
    if (LOGICAL.has(key)) {
      for (const clause of operand as Record<string, unknown>[]) {
        const problem = fieldProblem(clause);
        if (problem !== null) return problem;
      }
      continue;
    }
    if (key.startsWith('$'))
      return `operator "${key}" cannot stand at the top of a filter: use it under a field, or use $and, $or, $nor`;
    const root = key.split('.')[0] as (typeof FILTER_FIELDS)[number];
    if (!FILTER_FIELDS.includes(root))
      return `unknown field "${key}": a filter selects on ${FILTER_FIELDS.join(', ')} (such as "data.status")`;
  }
  return null;
}

/** null when the filter is usable, otherwise why not (naming the operator or field at fault). */
export function validateFilter(filter: unknown): string | null {
  if (!isRecord(filter)) return 'filter must be a JSON object';
  const size = Buffer.byteLength(JSON.stringify(filter));
  if (size > MAX_FILTER_BYTES)
    return `filter must be at most ${MAX_FILTER_BYTES} bytes as JSON (got ${size})`;
  if (depthOf(filter) > MAX_FILTER_DEPTH)
    return `filter must nest objects and arrays at most ${MAX_FILTER_DEPTH} levels deep`;
  const problem = operatorProblem(filter, '') ?? fieldProblem(filter);
  if (problem !== null) return `filter: ${problem}`;
  try {
    createQueryTester(filter as Query<unknown>, { operations: OPERATIONS });
    return null;
  } catch (error) {
    return `filter: ${(error as Error).message}`;
  }
}

export type FilterTester = (document: FilterDocument) => boolean;

/**
 * Compiles a validated filter. Throws when it is not valid; the tester itself never throws
 * (an evaluation error counts as no match: the event is not delivered to that subscription).
 */
export function compileFilter(filter: PayloadFilter): FilterTester {
  const problem = validateFilter(filter);
  if (problem !== null) throw new Error(problem);
  const test = createQueryTester(filter as Query<unknown>, { operations: OPERATIONS });
  return (document) => {
    try {
      return test(document);
    } catch {
      return false;
    }
  };
}

export function filterDocument(event: EventEnvelope): FilterDocument {
  return {
    type: event.type,
    source: event.source ?? null,
    subject: event.subject ?? null,
    data: event.data,
    metadata: { id: event.id, organizationId: event.organizationId, occurredAt: event.occurredAt },
  };
}
