import {
  ATTEMPT_DURATION,
  countersOf,
  FACT_STORE,
  FIRST_AT_FANOUT,
  FIRST_HANDED_OFF,
  handedOffShare,
  meanMs,
  PARKED,
} from './metrics.scrape';

describe('handedOffShare', () => {
  it('is the share of first attempts handed off as dispatch.created', () => {
    expect(handedOffShare({ [FIRST_AT_FANOUT]: 750, [FIRST_HANDED_OFF]: 250 })).toBe(0.25);
  });

  it('is 1 without the fast path: dispatches created, no first attempt counted by path', () => {
    expect(handedOffShare({ hookstream_dispatches_created_total: 10 })).toBe(1);
  });

  it('is undefined when nothing was dispatched', () => {
    expect(handedOffShare({})).toBeUndefined();
  });
});

describe('countersOf', () => {
  it('sums each counter over its label sets and keeps first attempts and parking by label', () => {
    const text = [
      '# HELP hookstream_delivery_parked_total Attempts set aside',
      '# TYPE hookstream_delivery_parked_total counter',
      'hookstream_delivery_parked_total{reason="backlog"} 1530',
      'hookstream_delivery_parked_total{reason="saturated"} 51',
      'hookstream_delivery_first_attempts_total{path="fanout"} 16',
      'hookstream_delivery_first_attempts_total{path="handed_off"} 1984',
      'hookstream_dispatches_created_total 2000',
      'process_cpu_seconds_total 12.5',
    ].join('\n');
    const counters = countersOf(text);
    expect(counters[PARKED]).toBe(1_581);
    expect(counters[`${PARKED}{reason="backlog"}`]).toBe(1_530);
    expect(counters[FIRST_AT_FANOUT]).toBe(16);
    expect(counters[FIRST_HANDED_OFF]).toBe(1_984);
    expect(counters.hookstream_dispatches_created_total).toBe(2_000);
    expect(counters.process_cpu_seconds_total).toBeUndefined();
  });
});

describe('meanMs', () => {
  it("is a histogram's mean in milliseconds, its sums and counts added over label sets", () => {
    const text = [
      'hookstream_delivery_attempt_duration_seconds_bucket{le="0.005",status_class="2xx"} 90',
      'hookstream_delivery_attempt_duration_seconds_sum{status_class="2xx"} 0.3',
      'hookstream_delivery_attempt_duration_seconds_count{status_class="2xx"} 100',
      'hookstream_delivery_attempt_duration_seconds_sum{status_class="5xx"} 0.5',
      'hookstream_delivery_attempt_duration_seconds_count{status_class="5xx"} 100',
      'hookstream_delivery_fact_store_seconds_sum 2.4',
      'hookstream_delivery_fact_store_seconds_count 200',
    ].join('\n');
    const counters = countersOf(text);
    expect(meanMs(counters, ATTEMPT_DURATION)).toBeCloseTo(4, 6);
    expect(meanMs(counters, FACT_STORE)).toBeCloseTo(12, 6);
  });

  it('is undefined without observations', () => {
    expect(meanMs(countersOf(''), FACT_STORE)).toBeUndefined();
    expect(meanMs(undefined, FACT_STORE)).toBeUndefined();
  });
});
