import { publishAtRate } from './event.publisher';
import { measureLatencies, type LatencyResult } from './latency.scenario';
import type { Platform } from './platform.stack';
import type { ReceiverProcess } from '@hookstream/testing';
import { rssOf } from './service.process';
import type { BenchTenant } from './tenant.setup';

const SAMPLE_EVERY_MS = 10_000;
/** RSS growth is judged from the end of the first minute: heaps, pools and JIT settle before. */
const SETTLE_MS = 60_000;

export interface RssSeries {
  service: string;
  samples: Array<{ atSeconds: number; rssMiB: number }>;
  /** Medians of the first and the last quarter of the samples after the first minute: RSS saws with each GC. */
  settledMiB: number;
  finalMiB: number;
  maxMiB: number;
  growthPercent: number;
}

export interface SoakResult {
  minutes: number;
  rate: number;
  rss: RssSeries[];
  latency: LatencyResult;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

export function rssSeries(
  service: string,
  samples: Array<{ atSeconds: number; rssMiB: number }>,
  settleMs: number,
): RssSeries {
  const after = samples.filter((x) => x.atSeconds * 1000 >= settleMs).map((x) => x.rssMiB);
  const window = Math.max(1, Math.floor(after.length / 4));
  const settledMiB = median(after.slice(0, window));
  const finalMiB = median(after.slice(-window));
  return {
    service,
    samples,
    settledMiB,
    finalMiB,
    maxMiB: Math.max(...samples.map((x) => x.rssMiB)),
    growthPercent: Math.round(((finalMiB - settledMiB) / settledMiB) * 1000) / 10,
  };
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Holds `rate` events/s for `minutes`, sampling every service's resident memory. */
export async function runSoak(
  platform: Platform,
  receiver: ReceiverProcess,
  tenant: BenchTenant,
  options: { rate: number; minutes: number },
): Promise<SoakResult> {
  const services = [platform.subscriptions, platform.projector, ...platform.dispatchers()].map((s, i) => ({
    name: s.name === 'dispatcher' ? `dispatcher-${i - 2}` : s.name,
    pid: s.pid,
    samples: [] as Array<{ atSeconds: number; rssMiB: number }>,
  }));
  const sample = (elapsedMs: number): void => {
    for (const s of services)
      s.samples.push({ atSeconds: Math.round(elapsedMs / 1000), rssMiB: mib(rssOf(s.pid)) });
  };
  let nextSample = 0;
  const seconds = options.minutes * 60;
  const warmCount = Math.round(options.rate * Math.min(SETTLE_MS / 1000, seconds / 2));
  const prefix = 'evt_soak_m_';
  await receiver.reset();
  const since = Date.now() - 1_000;
  const run = await publishAtRate(
    platform.js,
    tenant.organizationId,
    options.rate,
    seconds,
    (i) => (i < warmCount ? 'evt_soak_w_' : prefix),
    (elapsedMs) => {
      if (elapsedMs < nextSample) return;
      sample(elapsedMs);
      nextSample += SAMPLE_EVERY_MS;
    },
  );
  await receiver.waitForUnique(run.published * tenant.fanout, 60_000);
  sample(seconds * 1000);
  const latency = await measureLatencies(platform, receiver, tenant, run, {
    label: 'soak',
    prefix,
    since,
    offered: options.rate,
  });
  const settleMs = Math.min(SETTLE_MS, (seconds * 1000) / 2);
  const rss = services.map((s) => rssSeries(s.name, s.samples, settleMs));
  return { minutes: options.minutes, rate: options.rate, rss, latency };
}
