import { request } from 'undici';
import type { ServiceProcess } from './service.process';

/** The dispatcher counters that explain a throughput or latency figure. */
const COUNTERS = [
  'hookstream_dispatches_created_total',
  'hookstream_delivery_attempts_total',
  'hookstream_delivery_endpoint_saturated_total',
  'hookstream_dispatches_abandoned_total',
  'hookstream_events_rejected_total',
];

/** First attempts by path: made at the fan-out, or handed off as `dispatch.created`. */
const FIRST_ATTEMPTS = 'hookstream_delivery_first_attempts_total';
export const FIRST_AT_FANOUT = `${FIRST_ATTEMPTS}{path="fanout"}`;
export const FIRST_HANDED_OFF = `${FIRST_ATTEMPTS}{path="handed_off"}`;
const BY_LABELS = [FIRST_AT_FANOUT, FIRST_HANDED_OFF];

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

/** Sums each counter over its label sets and over the given processes (Prometheus text format). */
export async function scrapeCounters(services: readonly ServiceProcess[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(
    [...COUNTERS, ...BY_LABELS].map((name) => [name, 0]),
  );
  for (const service of services) {
    try {
      const res = await request(`${service.httpUrl}/metrics`);
      for (const line of (await res.body.text()).split('\n')) {
        const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
        if (!match) continue;
        const value = Number(match[3]);
        if (match[1]! in totals) totals[match[1]!]! += value;
        const path = match[1] === FIRST_ATTEMPTS ? /path="([^"]*)"/.exec(match[2] ?? '')?.[1] : undefined;
        const labelled = `${FIRST_ATTEMPTS}{path="${path}"}`;
        if (path !== undefined && labelled in totals) totals[labelled]! += value;
      }
    } catch {
      // A process that is gone has nothing to tell.
    }
  }
  return totals;
}

export const counterDelta = (
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)]));
