import { modelOpsPerDelivery, natsOpsBetween, readVarz, type NatsOps, type VarzCounts } from './nats.ops';
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
}

export async function readMeter(platform: Platform): Promise<MeterReading> {
  const cpu = snapshotPlatformCpu(platform.processRoots());
  return { cpu, varz: await readVarz(platform.natsNodes) };
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
  /** modelOpsPerDelivery at this fan-out and hand-off share (message operations per delivery). */
  natsOpsModel?: number;
  /** Share of first attempts handed off as `dispatch.created` (dispatcher counters). */
  handedOffShare?: number;
}

/**
 * Per delivery, CPU span by span (each over the deliveries it paid for, so that a span may
 * leave out fixed costs such as a dispatcher's boot), and message operations over one window.
 */
export function platformCost(
  spans: ReadonlyArray<{ cpu: PlatformCpuSpent; deliveries: number }>,
  ops: { ops: NatsOps; deliveries: number },
  model?: { fanout: number; handedOffShare?: number },
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
    ...(model
      ? {
          natsOpsModel: modelOpsPerDelivery(model.fanout, model.handedOffShare ?? 0),
          ...(model.handedOffShare === undefined ? {} : { handedOffShare: model.handedOffShare }),
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
});
