/** Retry policy (docs/architecture.md §6): what one attempt's result means for the dispatch. */
import ms, { type StringValue } from 'ms';

/** The grammar subscriptions may use: whole numbers in the five units docs/architecture.md §9 names. */
const DURATION = /^\d+(?:ms|s|m|h|d)?$/;
const DAY_MS = 86_400_000;
const MAX_SCHEDULE_ENTRIES = 50;
/** A single wait beyond a week outlives the events it would deliver (EVENTS keeps 7 days by default). */
const MAX_SCHEDULE_DELAY_MS = 7 * DAY_MS;
const JITTER = 0.2;

/** `250ms`, `5s`, `5m`, `2h`, `5d`; a plain number is milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed))
    throw new Error(`invalid duration "${text}": use a whole number with ms, s, m, h or d`);
  const value = ms(trimmed as StringValue);
  if (!Number.isSafeInteger(value)) throw new Error(`duration "${text}" is too large`);
  return value;
}

/** Delays before attempts 2, 3, ...: `5s,5m,30m` or the same as a list. */
export function parseSchedule(schedule: string | readonly string[]): number[] {
  const entries = typeof schedule === 'string' ? schedule.split(',') : schedule;
  if (entries.length === 0 || (entries.length === 1 && entries[0]!.trim() === ''))
    throw new Error('retry schedule must list at least one duration');
  if (entries.length > MAX_SCHEDULE_ENTRIES)
    throw new Error(`retry schedule may list at most ${MAX_SCHEDULE_ENTRIES} durations`);
  return entries.map((entry, index) => {
    const ms = parseDuration(entry);
    if (ms <= 0 || ms > MAX_SCHEDULE_DELAY_MS)
      throw new Error(`retry schedule entry ${index + 1} ("${entry.trim()}") must be above 0 and at most 7d`);
    return ms;
  });
}

/** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 28 hours. */
export const DEFAULT_SCHEDULE: readonly number[] = Object.freeze(parseSchedule('5s,5m,30m,2h,5h,10h,10h'));

/**
 * Delay before the attempt after `attemptNumber` (1 = the first attempt), ±20 % jitter so that
 * endpoints recovering from an outage are not hit by every dispatch at once; undefined when
 * the schedule is exhausted. `random` returns [0, 1) like Math.random.
 */
export function nextDelay(
  schedule: readonly number[],
  attemptNumber: number,
  random: () => number,
): number | undefined {
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) throw new Error('attempt numbers start at 1');
  const base = schedule[attemptNumber - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 + JITTER * (2 * random() - 1)));
}

export interface RetryAfterBounds {
  minMs: number;
  maxMs: number;
}

/** A receiver may ask for a pause, not for a hammering (min) nor for an indefinite stall (max). */
export const DEFAULT_RETRY_AFTER_BOUNDS: RetryAfterBounds = Object.freeze({ minMs: 1_000, maxMs: 3_600_000 });

const HTTP_DATE = /^[A-Za-z]{3,9}, \d{2}[ -][A-Za-z]{3}[ -]\d{2}(?:\d{2})? \d{2}:\d{2}:\d{2} GMT$/;

/** Retry-After as delay-seconds or an HTTP date (IMF-fixdate or RFC 850); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

export function clampRetryAfter(ms: number, bounds: RetryAfterBounds = DEFAULT_RETRY_AFTER_BOUNDS): number {
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, ms));
}

/** What one attempt produced. `status` null: no response (timeout, reset, refused address ...). */
export interface AttemptResult {
  status: number | null;
  retryAfter?: string | null;
  error?: string | null;
}

export type ResponseClass =
  | { kind: 'success' }
  | { kind: 'gone'; reason: string }
  | { kind: 'throttled'; reason: string }
  | { kind: 'failure'; reason: string };

export function classifyResponse(result: AttemptResult): ResponseClass {
  const { status } = result;
  if (status === null) return { kind: 'failure', reason: result.error ?? 'no response' };
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 410) return { kind: 'gone', reason: 'HTTP 410: the endpoint is gone' };
  if (status === 429 || status === 503) return { kind: 'throttled', reason: `HTTP ${status}` };
  if (status >= 300 && status < 400)
    return { kind: 'failure', reason: `HTTP ${status}: redirects are not followed` };
  return { kind: 'failure', reason: `HTTP ${status}` };
}

export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'give_up'; reason: string; disable: boolean };

export function decideOutcome(
  result: AttemptResult,
  attemptNumber: number,
  schedule: readonly number[],
  now: Date,
  random: () => number,
  retryAfterBounds: RetryAfterBounds = DEFAULT_RETRY_AFTER_BOUNDS,
): DeliveryOutcome {
  const response = classifyResponse(result);
  if (response.kind === 'success') return { kind: 'delivered' };
  if (response.kind === 'gone') return { kind: 'give_up', reason: response.reason, disable: true };
  const scheduled = nextDelay(schedule, attemptNumber, random);
  if (scheduled === undefined)
    return {
      kind: 'give_up',
      reason: `${response.reason} (attempt ${attemptNumber}, no retries left)`,
      disable: false,
    };
  const retryAfter = response.kind === 'throttled' ? parseRetryAfter(result.retryAfter, now) : undefined;
  // Retry-After may stretch the wait but never shorten the schedule: the schedule is the floor.
  const delayMs =
    retryAfter === undefined ? scheduled : Math.max(clampRetryAfter(retryAfter, retryAfterBounds), scheduled);
  return { kind: 'retry', delayMs, reason: response.reason };
}
