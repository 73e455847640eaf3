import { STREAMS } from '@hookstream/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';
import { watchCpu, type PhaseCpu } from './cpu.usage';
import { publishAtRate, type PacedRun } from './event.publisher';
import { deliveredPerSecond, keptUp, publishWindow } from './latency.keepup';
import { commitTimes, waitForLogRows } from './log.rows';
import { counterDelta, handedOffShare, PARKED, scrapeCounters } from './metrics.scrape';
import { opsOf, platformCost, readMeter, spanOf, type PlatformCost } from './platform.cost';
import type { Platform } from './platform.stack';
import type { ReceiverProcess } from '@hookstream/testing';
import { percentiles, type Percentiles } from './stats';
import type { BenchTenant } from './tenant.setup';

export interface LatencyResult {
  label: string;
  offeredPerSecond: number;
  /** The share of ceiling (a) the offered rate was set to, for the phases relative to it. */
  ceilingFraction?: number;
  /** What the producer actually achieved over the measured window. */
  publishedPerSecond: number;
  measuredEvents: number;
  producerMaxLagMs: number;
  /** Event published to 2xx received by the endpoint (ms). */
  toDelivered: Percentiles;
  /** Event published to its attempt row committed in the log (ms). */
  toLogRow: Percentiles;
  /** Cores used while the events were offered. */
  cpu?: PhaseCpu;
  /** Dispatcher counters over the phase. */
  counters?: Record<string, number>;
  /** Deliveries (warm-up's included) received while the measured events were published, per second. */
  deliveredPerSecond?: number;
  /** Deliveries not yet received when the producer had published its last event. */
  backlogAtEnd?: number;
  /** Then, num_pending + num_ack_pending summed over the consumers of EVENTS and DELIVERIES. */
  pendingAtEnd?: number;
  /** Last publish to last delivery received. */
  settleMs?: number;
  /** Delivered rate within a few % of the offered one and settled quickly (latency.keepup.ts). */
  keptUp?: boolean;
  /** CPU and message operations per delivery, from the first publish to the last delivery. */
  platform?: PlatformCost;
}

/** What waits in the platform's queues: every consumer of EVENTS and DELIVERIES, the projector's too. */
async function pendingOnConsumers(jsm: JetStreamManager): Promise<number> {
  let pending = 0;
  for (const stream of [STREAMS.events, STREAMS.deliveries])
    for await (const info of jsm.consumers.list(stream)) pending += info.num_pending + info.num_ack_pending;
  return pending;
}

/** The measured part of a paced run, then its deliveries and log rows against their publish times. */
export async function measureLatencies(
  platform: Platform,
  receiver: ReceiverProcess,
  tenant: BenchTenant,
  run: PacedRun,
  scope: { label: string; prefix: string; since: number; offered: number },
): Promise<LatencyResult> {
  const measured = [...run.publishedAt.entries()].filter(([key]) => key.startsWith(scope.prefix));
  const deliveries = await receiver.records(scope.prefix);
  const toDelivered = deliveries.receivedAt.map((at, i) => at - deliveries.publishedAt[i]!);
  const expected = measured.length * tenant.fanout;
  await waitForLogRows(
    platform.db,
    platform.jsm,
    { organizationId: tenant.organizationId, prefix: scope.prefix, since: scope.since },
    expected,
  );
  const rows = await commitTimes(platform.db, {
    organizationId: tenant.organizationId,
    prefix: scope.prefix,
    since: scope.since,
  });
  const toLogRow = rows.map((row) => row.committedAt - (run.publishedAt.get(row.key) ?? Number.NaN));
  const first = measured[0]?.[1] ?? 0;
  const last = measured[measured.length - 1]?.[1] ?? 0;
  return {
    label: scope.label,
    offeredPerSecond: scope.offered,
    publishedPerSecond: measured.length > 1 ? ((measured.length - 1) / (last - first)) * 1000 : Number.NaN,
    measuredEvents: measured.length,
    producerMaxLagMs: run.maxLagMs,
    toDelivered: percentiles(toDelivered),
    toLogRow: percentiles(toLogRow),
  };
}

/** Offers `rate` events/s: `warmupSeconds` unmeasured, then `seconds` measured, continuously. */
export async function runFixedRate(
  platform: Platform,
  receiver: ReceiverProcess,
  tenant: BenchTenant,
  options: { label: string; rate: number; warmupSeconds: number; seconds: number; ceilingFraction?: number },
): Promise<LatencyResult> {
  // Event ids name the run: ids published again within the stream's duplicate window would be dropped.
  const label = options.label;
  const warmPrefix = `evt_${label}_w_`;
  const prefix = `evt_${label}_m_`;
  const warmCount = Math.round(options.rate * options.warmupSeconds);
  await receiver.reset();
  const since = Date.now() - 1_000;
  const cpu = watchCpu();
  const countersBefore = await scrapeCounters(platform.dispatchers());
  const before = await readMeter(platform);
  const run = await publishAtRate(
    platform.js,
    tenant.organizationId,
    options.rate,
    options.warmupSeconds + options.seconds,
    (i) => (i < warmCount ? warmPrefix : prefix),
  );
  const used = cpu();
  const expected = run.published * tenant.fanout;
  const backlogAtEnd = expected - (await receiver.stats()).unique;
  const pendingAtEnd = await pendingOnConsumers(platform.jsm);
  if (run.failures > 0)
    throw new Error(
      `${run.failures} publishes failed at ${options.rate}/s, the first with: ${run.firstFailure}`,
    );
  const settled = await receiver.waitForUnique(expected, 60_000);
  const after = await readMeter(platform);
  const counters = counterDelta(countersBefore, await scrapeCounters(platform.dispatchers()));
  const window = publishWindow(run.publishedAt, prefix);
  const all = await receiver.records(`evt_${label}_`);
  const delivered = deliveredPerSecond(all.receivedAt, window.fromMs, window.toMs);
  const settleMs = settled.lastAt - publishWindow(run.publishedAt, 'evt_').toMs;
  const result = await measureLatencies(platform, receiver, tenant, run, {
    label,
    prefix,
    since,
    offered: options.rate,
  });
  return {
    ...result,
    ...(options.ceilingFraction === undefined ? {} : { ceilingFraction: options.ceilingFraction }),
    cpu: used,
    counters,
    deliveredPerSecond: delivered,
    backlogAtEnd,
    pendingAtEnd,
    settleMs,
    keptUp: keptUp({ offeredPerSecond: options.rate, deliveredPerSecond: delivered, settleMs }),
    platform: platformCost(
      [spanOf({ from: before, to: after, deliveries: expected })],
      opsOf(before, after, expected),
      {
        fanout: tenant.fanout,
        handedOffShare: handedOffShare(counters),
        parkedPerDelivery: (counters[PARKED] ?? 0) / expected,
      },
    ),
  };
}
