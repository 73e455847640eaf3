import {
  type AllowList,
  checkSubscriptionUrl,
  parseSchedule,
  patternTypes,
  validateCustomHeaders,
  validatePattern,
  validateSecret,
  validateTemplate,
} from '@hookstream/webhooks';
import type { SubscriptionPatch } from './subscription.state';

export interface RuleContext {
  /** Event types the organization may subscribe to (built-in and its own). */
  registeredTypes: readonly string[];
  allowHttp: boolean;
  allow: AllowList;
}

export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * The rules class-validator cannot express (ARCHITECTURE §5, issue-level contract): address
 * policy, pattern grammar against the catalog, header names, template output, schedule. Returns
 * the first problem, or null. Only the fields present are checked, so it serves create and patch.
 */
export function checkSubscriptionFields(
  fields: SubscriptionPatch & { secret?: string },
  context: RuleContext,
): string | null {
  if (fields.url !== undefined) {
    const problem = checkSubscriptionUrl(fields.url, { allowHttp: context.allowHttp, allow: context.allow });
    if (problem) return problem;
  }
  if (fields.events !== undefined) {
    const problem = checkPatterns(fields.events, context.registeredTypes);
    if (problem) return problem;
  }
  if (fields.headers !== undefined) {
    const problem = validateCustomHeaders(fields.headers);
    if (problem) return problem;
  }
  if (fields.payloadTemplate !== undefined && fields.payloadTemplate !== null) {
    const problem = validateTemplate(fields.payloadTemplate);
    if (problem) return `payloadTemplate: ${problem}`;
  }
  if (fields.retryPolicy !== undefined && fields.retryPolicy !== null) {
    try {
      parseSchedule(fields.retryPolicy.schedule);
    } catch (error) {
      return `retryPolicy.schedule: ${(error as Error).message}`;
    }
  }
  if (fields.metadata !== undefined) {
    const size = Buffer.byteLength(JSON.stringify(fields.metadata));
    if (size > MAX_METADATA_BYTES)
      return `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON (got ${size})`;
  }
  if (fields.secret !== undefined) {
    const problem = validateSecret(fields.secret);
    if (problem) return problem;
  }
  return null;
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
