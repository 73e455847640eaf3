import type { DrainResult } from './drain.scenario';
import { n, table } from './table.format';

/** Labels of the two drains the price compares. */
export const UNTRACED_DRAIN = 'drain_f1_untraced';
export const TRACED_DRAIN = 'drain_f1_traced';
/** The price's own drains are left out of the judged targets (drain_f1 is judged). */
export const PRICING_DRAINS: readonly string[] = [UNTRACED_DRAIN, TRACED_DRAIN];

/** What tracing costs: the same F=1 drain with it off and on (OTLP/HTTP JSON to an in-process sink). */
export interface TracingPrice {
  off: string;
  on: string;
  /** The platform's CPU µs per delivery (services, nats-server, Postgres). */
  cpuUsPerDeliveryOff: number;
  cpuUsPerDeliveryOn: number;
  extraUsPerDelivery: number;
  extraPercent: number;
  /** CPU µs per delivery by role, off and on. */
  byRole: Record<string, { off: number; on: number }>;
  deliveriesPerSecondOff: number;
  deliveriesPerSecondOn: number;
  /** What the sink received during the traced drain. */
  exports: number;
  spans: number;
  spansPerDelivery: number;
}

/** The price from the two drains; undefined when either has no platform cost (no /proc). */
export function priceTracing(
  off: DrainResult,
  on: DrainResult,
  sink: { exports: number; spans: number },
): TracingPrice | undefined {
  if (off.platform === undefined || on.platform === undefined) return undefined;
  const cpuOff = off.platform.cpuUsPerDelivery;
  const cpuOn = on.platform.cpuUsPerDelivery;
  const roles = new Set([
    ...Object.keys(off.platform.cpuUsPerDeliveryByRole),
    ...Object.keys(on.platform.cpuUsPerDeliveryByRole),
  ]);
  const byRole: TracingPrice['byRole'] = {};
  for (const role of roles)
    byRole[role] = {
      off: off.platform.cpuUsPerDeliveryByRole[role] ?? 0,
      on: on.platform.cpuUsPerDeliveryByRole[role] ?? 0,
    };
  return {
    off: off.label,
    on: on.label,
    cpuUsPerDeliveryOff: cpuOff,
    cpuUsPerDeliveryOn: cpuOn,
    extraUsPerDelivery: cpuOn - cpuOff,
    extraPercent: cpuOff > 0 ? ((cpuOn - cpuOff) / cpuOff) * 100 : Number.NaN,
    byRole,
    deliveriesPerSecondOff: off.deliveriesPerSecond,
    deliveriesPerSecondOn: on.deliveriesPerSecond,
    exports: sink.exports,
    spans: sink.spans,
    spansPerDelivery: on.deliveries > 0 ? sink.spans / on.deliveries : Number.NaN,
  };
}

export function formatTracingPrice(price: TracingPrice): string {
  const roles = ['dispatcher', 'log-projector', 'nats-server', 'postgres'];
  return [
    `\nTracing (F=1 drain, OTLP/HTTP JSON to an in-process sink): ${n(price.exports)} exports, ${n(price.spansPerDelivery, 2)} spans per delivery`,
    table(
      ['tracing', 'CPU us/delivery', ...roles, 'deliveries/s'],
      [
        [
          'off',
          n(price.cpuUsPerDeliveryOff),
          ...roles.map((r) => n(price.byRole[r]?.off)),
          n(price.deliveriesPerSecondOff),
        ],
        [
          'on',
          n(price.cpuUsPerDeliveryOn),
          ...roles.map((r) => n(price.byRole[r]?.on)),
          n(price.deliveriesPerSecondOn),
        ],
        [
          'extra',
          `${n(price.extraUsPerDelivery)} (${n(price.extraPercent, 1)} %)`,
          ...roles.map((r) => n((price.byRole[r]?.on ?? 0) - (price.byRole[r]?.off ?? 0))),
          '',
        ],
      ],
    ),
  ].join('\n');
}
