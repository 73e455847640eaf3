import { parseOptions } from './bench.options';

describe('parseOptions', () => {
  it('runs every phase but the soak by default, 30,000 events, at 1,000 and 1,500 events/s', () => {
    const options = parseOptions([]);
    expect(options.phases).toEqual(['ceilings', 'projection', 'drain', 'latency', 'scale']);
    expect(options.events).toBe(30_000);
    expect(options.rates).toEqual([1_000, 1_500]);
    expect(options.endpointConcurrency).toBeUndefined();
  });

  it('shrinks everything for --quick and adds the soak on request', () => {
    const options = parseOptions(['--quick', '--soak', '--events', '500']);
    expect(options.events).toBe(500);
    expect(options.latencySeconds).toBeLessThan(20);
    expect(options.phases).toContain('soak');
  });

  it('names the offending option', () => {
    expect(() => parseOptions(['--events', 'many'])).toThrow('--events');
    expect(() => parseOptions(['--phases', 'drain,warp'])).toThrow('warp');
    expect(() => parseOptions(['--fast'])).toThrow('--fast');
  });
});
