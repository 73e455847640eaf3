import { latencyPlan, parseOptions } from './bench.options';

describe('parseOptions', () => {
  it('runs every phase but the soak by default, 30,000 events, at 1,000 and 1,500 events/s and at 5 and 10 % of ceiling (a)', () => {
    const options = parseOptions([]);
    expect(options.phases).toEqual(['ceilings', 'projection', 'drain', 'latency', 'scale']);
    expect(options.events).toBe(30_000);
    expect(options.rates).toEqual([1_000, 1_500]);
    expect(options.ceilingFractions).toEqual([0.05, 0.1]);
    expect(options.endpointConcurrency).toBeUndefined();
  });

  it('shrinks everything for --quick and adds the soak on request', () => {
    const options = parseOptions(['--quick', '--soak', '--events', '500']);
    expect(options.events).toBe(500);
    expect(options.latencySeconds).toBeLessThan(20);
    expect(options.phases).toContain('soak');
  });

  it('prices tracing only on request', () => {
    expect(parseOptions([]).tracing).toBe(false);
    expect(parseOptions(['--phases', 'drain', '--fanouts', '1', '--tracing']).tracing).toBe(true);
  });

  it('names the offending option', () => {
    expect(() => parseOptions(['--events', 'many'])).toThrow('--events');
    expect(() => parseOptions(['--phases', 'drain,warp'])).toThrow('warp');
    expect(() => parseOptions(['--fast'])).toThrow('--fast');
    expect(() => parseOptions(['--ceiling-fractions', '5,10'])).toThrow('--ceiling-fractions');
  });
});

describe('latencyPlan', () => {
  it('runs the absolute rates, then the shares of the ceiling measured in the same run', () => {
    const plan = latencyPlan({ rates: [1_000, 1_500], ceilingFractions: [0.05, 0.1] }, 18_921.4);
    expect(plan).toEqual([
      { label: 'rate1000', rate: 1_000 },
      { label: 'rate1500', rate: 1_500 },
      { label: 'ceil5pct', rate: 946, ceilingFraction: 0.05 },
      { label: 'ceil10pct', rate: 1_892, ceilingFraction: 0.1 },
    ]);
  });

  it('leaves the shares out when the run measured no ceiling', () => {
    expect(latencyPlan({ rates: [1_000], ceilingFractions: [0.05] }, undefined)).toEqual([
      { label: 'rate1000', rate: 1_000 },
    ]);
  });

  it('keeps labels distinct, so event ids never repeat within the duplicate window', () => {
    const plan = latencyPlan({ rates: [1_000, 1_000], ceilingFractions: [0.025, 0.025] }, 10_000);
    expect(plan.map((p) => p.label)).toEqual(['rate1000', 'rate1000_1', 'ceil2_5pct', 'ceil2_5pct_1']);
  });
});
