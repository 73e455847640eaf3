import type { DrainResult } from './drain.scenario';
import { formatTracingPrice, priceTracing } from './tracing.price';

const drain = (label: string, cpu: number, byRole: Record<string, number>): DrainResult =>
  ({
    label,
    deliveries: 1_000,
    deliveriesPerSecond: 2_000,
    platform: { cpuUsPerDelivery: cpu, cpuUsPerDeliveryByRole: byRole },
  }) as unknown as DrainResult;

describe('priceTracing', () => {
  it('is the CPU per delivery with tracing on over the same drain with it off, in all and by role', () => {
    const price = priceTracing(
      drain('drain_f1', 400, { dispatcher: 200, 'nats-server': 200 }),
      drain('drain_f1_traced', 500, { dispatcher: 280, 'nats-server': 200, 'log-projector': 20 }),
      { exports: 10, spans: 2_050 },
    )!;
    expect(price).toMatchObject({ extraUsPerDelivery: 100, extraPercent: 25, spansPerDelivery: 2.05 });
    expect(price.byRole.dispatcher).toEqual({ off: 200, on: 280 });
    expect(price.byRole['log-projector']).toEqual({ off: 0, on: 20 });
    expect(formatTracingPrice(price)).toContain('100 (25 %)');
  });

  it('has no price without the platform cost of both drains', () => {
    const off = { ...drain('drain_f1', 1, {}), platform: undefined };
    expect(priceTracing(off, drain('drain_f1_traced', 1, {}), { exports: 0, spans: 0 })).toBeUndefined();
  });
});
