import {
  modelOpsPerDelivery,
  natsOpsBetween,
  natsOpsByClient,
  readConnz,
  readVarz,
  type ConnzEntry,
  type NatsOps,
  type VarzCounts,
} from './nats.ops';
import {
  cpuSpent,
  snapshotPlatformCpu,
  type PlatformCpuSnapshot,
  type PlatformCpuSpent,
} from './platform.cpu';
import type { Platform } from './platform.stack';

/** The platform's CPU and nats-server's message counters at one moment. */
export interface MeterReading {
  cpu: PlatformCpuSnapshot;
  varz: VarzCounts[];
  connz: ConnzEntry[][];
}

export async function readMeter(platform: Platform): Promise<MeterReading> {
  const cpu = snapshotPlatformCpu(platform.processRoots());
  const [varz, connz] = await Promise.all([readVarz(platform.natsNodes), readConnz(platform.natsNodes)]);
  return { cpu, varz, connz };
}

/** A span of CPU and the deliveries it paid for. */
export interface CpuSpan {
  from: MeterReading;
  to: MeterReading;
  deliveries: number;
}

/** What the platform (services, nats-server, Postgres) spent per delivery. */
export interface PlatformCost {
  /** CPU µs of all the platform's processes per delivery, summed over the spans. */
  cpuUsPerDelivery: number;
  cpuUsPerDeliveryByRole: Record<string, number>;
  cpuSeconds: number;
  /** Message operations on nats-server (in_msgs + out_msgs) over the ops window. */
  natsOps: NatsOps;
  natsOpsPerDelivery: number;
  /** Of which clients sent (in_msgs) and the server sent (out_msgs). */
  natsInPerDelivery: number;
  natsOutPerDelivery: number;
  /** The same per delivery by client connection name (dispatcher, log-projector, subscriptions, bench). */
  natsPerDeliveryByClient?: Record<string, { in: number; out: number }>;
  /** modelOpsPerDelivery at this fan-out and hand-off share (message operations per delivery). */
  natsOpsModel?: number;
  /** Share of first attempts handed off as `dispatch.created` (dispatcher counters). */
  handedOffShare?: number;
  /** Attempts parked on the endpoint's PARKED queue per delivery (dispatcher counters). */
  parkedPerDelivery?: number;
}

/**
 * Per delivery, CPU span by span (each over the deliveries it paid for, so that a span may
 * leave out fixed costs such as a dispatcher's boot), and message operations over one window.
 */
export function platformCost(
  spans: ReadonlyArray<{ cpu: PlatformCpuSpent; deliveries: number }>,
  ops: { ops: NatsOps; deliveries: number; byClient?: Record<string, { inMsgs: number; outMsgs: number }> },
  model?: { fanout: number; handedOffShare?: number; parkedPerDelivery?: number },
): PlatformCost {
  let cpuUsPerDelivery = 0;
  let cpuSeconds = 0;
  const byRole: Record<string, number> = {};
  for (const { cpu, deliveries } of spans) {
    cpuUsPerDelivery += (cpu.seconds / deliveries) * 1e6;
    cpuSeconds += cpu.seconds;
    for (const [role, seconds] of Object.entries(cpu.byRole))
      byRole[role] = (byRole[role] ?? 0) + (seconds / deliveries) * 1e6;
  }
  return {
    cpuUsPerDelivery,
    cpuUsPerDeliveryByRole: byRole,
    cpuSeconds,
    natsOps: ops.ops,
    natsOpsPerDelivery: ops.ops.total / ops.deliveries,
    natsInPerDelivery: ops.ops.inMsgs / ops.deliveries,
    natsOutPerDelivery: ops.ops.outMsgs / ops.deliveries,
    ...(ops.byClient
      ? {
          natsPerDeliveryByClient: Object.fromEntries(
            Object.entries(ops.byClient).map(([name, c]) => [
              name,
              { in: c.inMsgs / ops.deliveries, out: c.outMsgs / ops.deliveries },
            ]),
          ),
        }
      : {}),
    ...(model
      ? {
          natsOpsModel: modelOpsPerDelivery(
            model.fanout,
            model.handedOffShare ?? 0,
            model.parkedPerDelivery ?? 0,
          ),
          ...(model.handedOffShare === undefined ? {} : { handedOffShare: model.handedOffShare }),
          ...(model.parkedPerDelivery === undefined ? {} : { parkedPerDelivery: model.parkedPerDelivery }),
        }
      : {}),
  };
}

/** The readings' differences, for platformCost. */
export const spanOf = (span: CpuSpan): { cpu: PlatformCpuSpent; deliveries: number } => ({
  cpu: cpuSpent(span.from.cpu, span.to.cpu),
  deliveries: span.deliveries,
});

export const opsOf = (from: MeterReading, to: MeterReading, deliveries: number) => ({
  ops: natsOpsBetween(from.varz, to.varz),
  deliveries,
  byClient: natsOpsByClient(from.connz, to.connz),
});
