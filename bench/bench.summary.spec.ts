import { formatSummary, SUMMARY_KEYS, summarize } from './bench.summary';
import { judge, type BenchResults } from './report.table';

type Drain = BenchResults['drains'][number];
type Latency = BenchResults['latency'][number];

const drain = (fanout: number, dispatchers: number, perSecond: number, extra: Partial<Drain> = {}): Drain =>
  ({
    label: `drain_f${fanout}${dispatchers > 1 ? '_x2' : ''}`,
    fanout,
    dispatchers,
    deliveriesPerSecond: perSecond,
    ratioToCeiling: perSecond / 10_000,
    ...extra,
  }) as Drain;

const latency = (
  rate: number,
  fraction: number | undefined,
  p99: number,
  row: number,
  kept: boolean,
): Latency =>
  ({
    label: `rate${rate}`,
    offeredPerSecond: rate,
    ...(fraction === undefined ? {} : { ceilingFraction: fraction }),
    toDelivered: { count: 1, p50: 1, p99, p999: p99, max: p99 },
    toLogRow: { count: 1, p50: 1, p99: row, p999: row, max: row },
    deliveredPerSecond: kept ? rate : rate / 2,
    settleMs: kept ? 10 : 5_000,
    keptUp: kept,
  }) as Latency;

const results = (parts: Partial<BenchResults>): BenchResults =>
  ({ ceilings: { http: [] }, drains: [], latency: [], projection: [], ...parts }) as BenchResults;

const full = results({
  ceilings: { http: [], httpBestPerSecond: 10_000 },
  drains: [
    drain(1, 1, 2_000, {
      platform: {
        cpuUsPerDelivery: 812.4,
        cpuUsPerDeliveryByRole: {},
        cpuSeconds: 8,
        natsOps: { inMsgs: 1, outMsgs: 1, total: 2 },
        natsOpsPerDelivery: 7.0912,
        natsInPerDelivery: 3.5,
        natsOutPerDelivery: 3.5,
      },
    }),
    drain(4, 1, 2_500),
    drain(1, 2, 3_000),
  ],
  latency: [
    latency(1_000, undefined, 100, 200, true),
    latency(500, 0.05, 12.34, 40, true),
    latency(1_000, 0.1, 55, 90, false),
  ],
});

describe('summarize', () => {
  it('takes each figure from its phase, the ratios against ceiling (a) of the same run', () => {
    expect(summarize(full)).toEqual({
      ceilingA: 10_000,
      drainF1PerSecond: 2_000,
      drainF1Ratio: 0.2,
      drainF4Ratio: 0.25,
      p99DeliveredMsAt5pct: 12.3,
      p99LogRowMsAt5pct: 40,
      p99DeliveredMsAt10pct: 55,
      cpuUsPerDeliveryF1: 812,
      natsOpsPerDelivery: 7.09,
    });
  });

  it('has exactly the summary keys, null for every phase that did not run', () => {
    const summary = summarize(results({ drains: [drain(1, 1, 2_000)] }));
    expect(Object.keys(summary).sort()).toEqual([...SUMMARY_KEYS].sort());
    expect(summary).toEqual({
      ceilingA: null,
      drainF1PerSecond: 2_000,
      drainF1Ratio: null,
      drainF4Ratio: null,
      p99DeliveredMsAt5pct: null,
      p99LogRowMsAt5pct: null,
      p99DeliveredMsAt10pct: null,
      cpuUsPerDeliveryF1: null,
      natsOpsPerDelivery: null,
    });
  });

  it('prints one line per key', () => {
    const text = formatSummary(summarize(full));
    expect(text.split('\n')).toHaveLength(SUMMARY_KEYS.length + 1);
    expect(text).toMatch(/drainF1Ratio\s+0\.2\n/);
    expect(formatSummary(summarize(results({})))).toMatch(/ceilingA\s+null/);
  });
});

describe('judge', () => {
  it('judges the drains at 0.18 of ceiling (a), the p99s at 5 % of it, keeping up at 10 %', () => {
    const targets = judge(full).map((t) => [t.what, t.met]);
    expect(targets).toEqual([
      ['drain drain_f1 (fan-out 1, 1 dispatcher(s))', true],
      ['drain drain_f4 (fan-out 4, 1 dispatcher(s))', true],
      ['p99 published -> 2xx at 0.05 x ceiling (a) = 500/s', true],
      ['p99 published -> log row at 0.05 x ceiling (a) = 500/s', true],
      ['keeps up at 0.1 x ceiling (a) = 1000/s', false],
    ]);
  });
});
