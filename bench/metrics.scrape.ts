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

/** Sums each counter over its label sets and over the given processes (Prometheus text format). */
export async function scrapeCounters(services: readonly ServiceProcess[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(COUNTERS.map((name) => [name, 0]));
  for (const service of services) {
    try {
      const res = await request(`${service.httpUrl}/metrics`);
      for (const line of (await res.body.text()).split('\n')) {
        const match = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
        if (match && match[1]! in totals) totals[match[1]!]! += Number(match[2]);
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
