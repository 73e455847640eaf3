import { Counter, Histogram } from 'prom-client';
import { counter, gauge, getOrCreateMetric, histogram, metricsRegistry } from './metrics';

describe('metrics', () => {
  it('returns the same metric when asked twice', () => {
    const first = counter({ name: 'test_events_total', help: 'events', labelNames: ['type'] });
    const second = counter({ name: 'test_events_total', help: 'events', labelNames: ['type'] });
    expect(second).toBe(first);
    first.inc({ type: 'TEST' });
    expect(histogram({ name: 'test_seconds', help: 'seconds' })).toBe(
      histogram({ name: 'test_seconds', help: 's' }),
    );
  });

  it('refuses one name for two kinds of metric', () => {
    gauge({ name: 'test_depth', help: 'depth' });
    expect(() => getOrCreateMetric(Counter, { name: 'test_depth', help: 'depth' })).toThrow(
      'metric test_depth exists with another type',
    );
    expect(() => getOrCreateMetric(Histogram, { name: 'test_depth', help: 'depth' })).toThrow();
  });

  it('exposes default and own metrics in the Prometheus text format', async () => {
    counter({ name: 'test_exposed_total', help: 'exposed' }).inc(2);
    const text = await metricsRegistry.metrics();
    expect(text).toContain('test_exposed_total 2');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
