import type { BenchResults } from './report.table';
import { round } from './stats';

/**
 * The figures a run is compared by, each against the machine it ran on; null where the phase
 * did not run (or measured nothing). Exactly these keys: bench/README.md says how each is measured.
 */
export interface BenchSummary {
  /** Ceiling (a): signed POSTs/s one Node process sends to the receiver. */
  ceilingA: number | null;
  drainF1PerSecond: number | null;
  /** Drain deliveries/s at fan-out 1 (one dispatcher) over ceiling (a). */
  drainF1Ratio: number | null;
  drainF4Ratio: number | null;
  p99DeliveredMsAt5pct: number | null;
  p99LogRowMsAt5pct: number | null;
  p99DeliveredMsAt10pct: number | null;
  /** CPU µs of the services, nats-server and Postgres per delivery in the fan-out 1 drain. */
  cpuUsPerDeliveryF1: number | null;
  /** nats-server message operations (in_msgs + out_msgs) per delivery in the fan-out 1 drain. */
  natsOpsPerDelivery: number | null;
}

export const SUMMARY_KEYS = [
  'ceilingA',
  'drainF1PerSecond',
  'drainF1Ratio',
  'drainF4Ratio',
  'p99DeliveredMsAt5pct',
  'p99LogRowMsAt5pct',
  'p99DeliveredMsAt10pct',
  'cpuUsPerDeliveryF1',
  'natsOpsPerDelivery',
] as const satisfies ReadonlyArray<keyof BenchSummary>;

const figure = (value: number | undefined, digits: number): number | null =>
  value === undefined || !Number.isFinite(value) ? null : round(value, digits);

export function summarize(results: Pick<BenchResults, 'ceilings' | 'drains' | 'latency'>): BenchSummary {
  const ceilingA = results.ceilings.httpBestPerSecond;
  const drain = (fanout: number) => results.drains.find((d) => d.fanout === fanout && d.dispatchers === 1);
  const ratio = (fanout: number): number | undefined => {
    const perSecond = drain(fanout)?.deliveriesPerSecond;
    return perSecond === undefined || !ceilingA ? undefined : perSecond / ceilingA;
  };
  const atShare = (fraction: number) => results.latency.find((l) => l.ceilingFraction === fraction);
  const f1 = drain(1);
  return {
    ceilingA: figure(ceilingA, 0),
    drainF1PerSecond: figure(f1?.deliveriesPerSecond, 0),
    drainF1Ratio: figure(ratio(1), 4),
    drainF4Ratio: figure(ratio(4), 4),
    p99DeliveredMsAt5pct: figure(atShare(0.05)?.toDelivered.p99, 1),
    p99LogRowMsAt5pct: figure(atShare(0.05)?.toLogRow.p99, 1),
    p99DeliveredMsAt10pct: figure(atShare(0.1)?.toDelivered.p99, 1),
    cpuUsPerDeliveryF1: figure(f1?.platform?.cpuUsPerDelivery, 0),
    natsOpsPerDelivery: figure(f1?.platform?.natsOpsPerDelivery, 2),
  };
}

export function formatSummary(summary: BenchSummary | undefined): string {
  if (!summary) return '';
  const width = Math.max(...SUMMARY_KEYS.map((k) => k.length));
  const lines = SUMMARY_KEYS.map((key) => {
    const value = summary[key];
    return `${key.padEnd(width)}  ${value === null ? 'null' : value.toLocaleString('en-US', { maximumFractionDigits: 4 })}`;
  });
  return ['Summary', ...lines].join('\n');
}
