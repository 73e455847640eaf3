import { watchCpu, type PhaseCpu } from './cpu.usage';
import { publishBacklog } from './event.publisher';
import { waitForLogRows } from './log.rows';
import { handedOffShare, PARKED, scrapeCounters } from './metrics.scrape';
import {
  opsOf,
  platformCost,
  readMeter,
  spanOf,
  type MeterReading,
  type PlatformCost,
} from './platform.cost';
import type { Platform } from './platform.stack';
import type { ReceiverProcess } from '@hookstream/testing';
import type { BenchTenant } from './tenant.setup';

export interface DrainResult {
  label: string;
  fanout: number;
  dispatchers: number;
  events: number;
  deliveries: number;
  duplicates: number;
  publishSeconds: number;
  /** Dispatcher spawn to its first delivery: boot, routing table, consumers. */
  startupSeconds: number;
  /** First to last delivery received. */
  drainSeconds: number;
  deliveriesPerSecond: number;
  /** Spawn to last delivery, boot included. */
  deliveriesPerSecondWithStartup: number;
  /** First delivery received to the last log row committed. */
  logSeconds: number;
  logRowsPerSecond: number;
  /** Last log row committed after the last delivery received (ms). */
  logLagMs: number;
  /** Cores used from the dispatchers' spawn to the last log row. */
  cpu: PhaseCpu;
  /** Dispatcher counters at the end (the processes started with the drain). */
  counters: Record<string, number>;
  /**
   * The platform's cost per delivery. CPU: the backlog's publish over the deliveries it makes,
   * plus first delivery to last log row over the deliveries received in that span (the
   * dispatcher's boot is left out). Message operations: the backlog's publish to the last log row.
   */
  platform?: PlatformCost;
}

/** Resolves at the first delivery the receiver sees, with the meter read then and the count after. */
async function atFirstDelivery(
  platform: Platform,
  receiver: ReceiverProcess,
): Promise<{ reading: MeterReading; received: number }> {
  while ((await receiver.stats()).unique === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const reading = await readMeter(platform);
  return { reading, received: (await receiver.stats()).unique };
}

/**
 * A backlog drained through the real platform: dispatchers stopped, `events` published to
 * JetStream, dispatchers started, then timed to the last delivery and the last log row.
 */
export async function runDrain(
  platform: Platform,
  receiver: ReceiverProcess,
  tenant: BenchTenant,
  options: { events: number; dispatchers: number; label: string },
): Promise<DrainResult> {
  const prefix = `evt_${options.label}_`;
  await platform.stopDispatchers();
  await receiver.reset();
  const since = Date.now() - 1_000;
  const beforePublish = await readMeter(platform);
  const published = await publishBacklog(platform.js, tenant.organizationId, prefix, options.events);
  if (published.failures > 0) throw new Error(`${published.failures} backlog publishes failed`);
  const afterPublish = await readMeter(platform);

  const spawnedAt = Date.now();
  const cpu = watchCpu();
  const first = atFirstDelivery(platform, receiver);
  await platform.startDispatchers(options.dispatchers, options.label);
  const expected = options.events * tenant.fanout;
  const received = await receiver.waitForUnique(expected, 60_000);
  const log = await waitForLogRows(
    platform.db,
    platform.jsm,
    { organizationId: tenant.organizationId, prefix, since },
    expected,
  );
  const used = cpu();
  const end = await readMeter(platform);
  const counters = await scrapeCounters(platform.dispatchers());
  const start = await first;
  const cost = platformCost(
    [
      spanOf({ from: beforePublish, to: afterPublish, deliveries: expected }),
      // At least one: a tiny drain may be over by the time the first reading is taken.
      spanOf({ from: start.reading, to: end, deliveries: Math.max(1, received.unique - start.received) }),
    ],
    opsOf(beforePublish, end, received.unique),
    {
      fanout: tenant.fanout,
      handedOffShare: handedOffShare(counters),
      parkedPerDelivery: (counters[PARKED] ?? 0) / received.unique,
    },
  );
  const drainSeconds = (received.lastAt - received.firstAt) / 1000;
  const logSeconds = (log.lastCommitAt - received.firstAt) / 1000;
  return {
    label: options.label,
    fanout: tenant.fanout,
    dispatchers: options.dispatchers,
    events: options.events,
    deliveries: received.unique,
    duplicates: received.duplicates,
    publishSeconds: published.seconds,
    startupSeconds: (received.firstAt - spawnedAt) / 1000,
    drainSeconds,
    deliveriesPerSecond: received.unique / drainSeconds,
    deliveriesPerSecondWithStartup: (received.unique / (received.lastAt - spawnedAt)) * 1000,
    logSeconds,
    logRowsPerSecond: log.count / logSeconds,
    logLagMs: log.lastCommitAt - received.lastAt,
    cpu: used,
    counters,
    platform: cost,
  };
}
