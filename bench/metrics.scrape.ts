import { request } from 'undici';
import type { ServiceProcess } from './service.process';

/** An attempt's HTTP exchange, and its outcome fact's wait for DELIVERIES to store it. */
export const ATTEMPT_DURATION = 'hookstream_delivery_attempt_duration_seconds';
export const FACT_STORE = 'hookstream_delivery_fact_store_seconds';

/** The dispatcher counters that explain a throughput or latency figure (histograms by sum and count). */
const COUNTERS = [
  'hookstream_dispatches_created_total',
  'hookstream_delivery_attempts_total',
  'hookstream_delivery_endpoint_saturated_total',
  'hookstream_dispatches_abandoned_total',
  'hookstream_events_rejected_total',
  'hookstream_delivery_parked_total',
  ...[ATTEMPT_DURATION, FACT_STORE].flatMap((histogram) => [`${histogram}_sum`, `${histogram}_count`]),
];

/** A histogram's mean in milliseconds over the counters' window; undefined without observations. */
export function meanMs(counters: Record<string, number> | undefined, histogram: string): number | undefined {
  const count = counters?.[`${histogram}_count`] ?? 0;
  return count > 0 ? ((counters?.[`${histogram}_sum`] ?? 0) / count) * 1000 : undefined;
}

/** First attempts by path: made at the fan-out, or handed off as `dispatch.created`. */
const FIRST_ATTEMPTS = 'hookstream_delivery_first_attempts_total';
export const FIRST_AT_FANOUT = `${FIRST_ATTEMPTS}{path="fanout"}`;
export const FIRST_HANDED_OFF = `${FIRST_ATTEMPTS}{path="handed_off"}`;
/** Attempts set aside on their endpoint's own queue (PARKED), by reason. */
export const PARKED = 'hookstream_delivery_parked_total';
const PARKED_REASONS = ['backlog', 'saturated', 'circuit_open', 'retry_share'];
const BY_LABELS = [
  FIRST_AT_FANOUT,
  FIRST_HANDED_OFF,
  ...PARKED_REASONS.map((reason) => `${PARKED}{reason="${reason}"}`),
];

/**
 * Share of first attempts handed off, from counters; undefined when there was none. Without the
 * fast path (DELIVERY_FAST_PATH=false) no first attempt is counted by path and every dispatch
 * created is handed off.
 */
export function handedOffShare(counters: Record<string, number>): number | undefined {
  const fanout = counters[FIRST_AT_FANOUT] ?? 0;
  const handedOff = counters[FIRST_HANDED_OFF] ?? 0;
  if (fanout + handedOff > 0) return handedOff / (fanout + handedOff);
  return (counters['hookstream_dispatches_created_total'] ?? 0) > 0 ? 1 : undefined;
}

const emptyTotals = (): Record<string, number> =>
  Object.fromEntries([...COUNTERS, ...BY_LABELS].map((name) => [name, 0]));

/**
 * Adds one /metrics answer (Prometheus text format) to the totals: each counter over its label
 * sets, and the first attempts by path and the parked attempts by reason one by one.
 */
export function addCounters(totals: Record<string, number>, text: string): Record<string, number> {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (match[1]! in totals) totals[match[1]!]! += value;
    const label = /(path|reason)="([^"]*)"/.exec(match[2] ?? '');
    const labelled = label ? `${match[1]!}{${label[1]!}="${label[2]!}"}` : undefined;
    if (labelled !== undefined && labelled in totals) totals[labelled]! += value;
  }
  return totals;
}

/** The counters summed over the given processes. */
export async function scrapeCounters(services: readonly ServiceProcess[]): Promise<Record<string, number>> {
  const totals = emptyTotals();
  for (const service of services) {
    try {
      const res = await request(`${service.httpUrl}/metrics`);
      addCounters(totals, await res.body.text());
    } catch {
      // A process that is gone has nothing to tell.
    }
  }
  return totals;
}

export const countersOf = (text: string): Record<string, number> => addCounters(emptyTotals(), text);

export const counterDelta = (
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)]));
