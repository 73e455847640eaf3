import {
  type AllowList,
  checkSubscriptionUrl,
  parseSchedule,
  patternTypes,
  validateCustomHeaders,
  validateFilter,
  validatePattern,
  validateSecret,
  validateTemplate,
} from '@hookstream/webhooks';
import type { FieldProblem } from '@hookstream/platform';
import type { SubscriptionState } from '@hookstream/contracts';
import type { SubscriptionPatch } from './subscription.state';

export interface RuleContext {
  /** Event types the organization may subscribe to (built-in and its own). */
  registeredTypes: readonly string[];
  allowHttp: boolean;
  allow: AllowList;
}

export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * The rules class-validator cannot express (docs/architecture.md §5): address
 * policy, pattern grammar against the catalog, header names, template output, schedule. Returns
 * one problem per invalid field (the first it has). Only the fields present are checked, so it
 * serves create and patch.
 */
export function subscriptionFieldProblems(
  fields: SubscriptionPatch & { secret?: string },
  context: RuleContext,
): FieldProblem[] {
  const checks: Array<[string, () => string | null]> = [
    ['url', () => checkSubscriptionUrl(fields.url!, { allowHttp: context.allowHttp, allow: context.allow })],
    ['events', () => checkPatterns(fields.events!, context.registeredTypes)],
    ['headers', () => validateCustomHeaders(fields.headers!)],
    ['payloadTemplate', () => prefixed('payloadTemplate', validateTemplate(fields.payloadTemplate!))],
    ['retryPolicy', () => scheduleProblem(fields.retryPolicy!.schedule)],
    ['metadata', () => metadataProblem(fields.metadata!)],
    ['filter', () => validateFilter(fields.filter!)],
    ['secret', () => validateSecret(fields.secret!)],
  ];
  const problems: FieldProblem[] = [];
  for (const [path, check] of checks) {
    const value = (fields as Record<string, unknown>)[path];
    if (value === undefined || value === null) continue;
    const message = check();
    if (message !== null)
      problems.push({ path: path === 'retryPolicy' ? 'retryPolicy.schedule' : path, message });
  }
  return problems;
}

/**
 * The signature scheme against the rest of the (merged) state: ed25519 signs Standard Webhooks
 * `v1a` only, so it needs the standard profile (the others' receivers verify HMAC headers of
 * their own), and its key pair is always generated here, never given.
 */
export function signatureProblems(
  state: Pick<SubscriptionState, 'profile' | 'signature'>,
  secretGiven: boolean,
): FieldProblem[] {
  if (state.signature !== 'ed25519') return [];
  const problems: FieldProblem[] = [];
  if (state.profile !== 'standard')
    problems.push({
      path: 'signature',
      message: `signature "ed25519" needs the standard profile: receivers of the ${state.profile} profile verify HMAC headers, which need a shared secret`,
    });
  if (secretGiven)
    problems.push({
      path: 'secret',
      message:
        'secret cannot be set with signature "ed25519": Hookstream generates the key pair and returns its public key',
    });
  return problems;
}

/** The first problem's message, or null. */
export function checkSubscriptionFields(
  fields: SubscriptionPatch & { secret?: string },
  context: RuleContext,
): string | null {
  return subscriptionFieldProblems(fields, context)[0]?.message ?? null;
}

function prefixed(path: string, problem: string | null): string | null {
  return problem === null ? null : `${path}: ${problem}`;
}

function scheduleProblem(schedule: readonly string[]): string | null {
  try {
    parseSchedule(schedule);
    return null;
  } catch (error) {
    return `retryPolicy.schedule: ${(error as Error).message}`;
  }
}

function metadataProblem(metadata: Record<string, unknown>): string | null {
  const size = Buffer.byteLength(JSON.stringify(metadata));
  return size > MAX_METADATA_BYTES
    ? `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON (got ${size})`
    : null;
}

/** Each pattern must be well formed and select at least one registered type: one that selects nothing is a typo. */
export function checkPatterns(
  patterns: readonly string[],
  registeredTypes: readonly string[],
): string | null {
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const problem = validatePattern(pattern);
    if (problem) return `events: ${problem}`;
    if (seen.has(pattern)) return `events: pattern "${pattern}" is listed twice`;
    seen.add(pattern);
    if (!patternTypes(pattern, registeredTypes))
      return `events: pattern "${pattern}" matches no registered event type of this organization`;
  }
  return null;
}
