import {
  afterThrottled,
  backoffActive,
  claimSlots,
  CUT_INTERVAL_MS,
  effectiveRate,
  HORIZON_MS,
  MAX_PAUSE_MS,
  MIN_RATE,
  RECOVERY_MS,
  UNLIMITED_BACKOFF_MS,
  type SlotRecord,
} from './throttle.policy';

const T0 = 1_000_000;

describe('claimSlots', () => {
  it('starts at now for an endpoint never claimed, slots one interval apart, a quarter second at most', () => {
    const claim = claimSlots(null, T0, 20, 100);
    expect(claim).toEqual({
      slots: [T0, T0 + 50, T0 + 100, T0 + 150, T0 + 200],
      record: { nextMs: T0 + 250 },
    });
  });

  it('takes only what is wanted, and at least one slot even at one request per second', () => {
    expect(claimSlots(null, T0, 20, 2)).toEqual({ slots: [T0, T0 + 50], record: { nextMs: T0 + 100 } });
    expect(claimSlots(null, T0, 1, 10)).toEqual({ slots: [T0], record: { nextMs: T0 + 1000 } });
  });

  it('an idle endpoint saves no burst: a claim never starts in the past', () => {
    const claim = claimSlots({ nextMs: T0 - 60_000 }, T0, 20, 1);
    expect('slots' in claim && claim.slots).toEqual([T0]);
  });

  it('never claims beyond the horizon: says how long until a slot is free', () => {
    expect(claimSlots({ nextMs: T0 + HORIZON_MS + 300 }, T0, 20, 1)).toEqual({ waitMs: 300 });
    expect(claimSlots({ nextMs: T0 + HORIZON_MS + 300 }, T0, 20, 5)).toEqual({ waitMs: 500 });
    // Two slots would fit now, but a claim waits until its whole batch does.
    expect(claimSlots({ nextMs: T0 + HORIZON_MS - 60 }, T0, 20, 5)).toEqual({ waitMs: 140 });
    const edge = claimSlots({ nextMs: T0 + HORIZON_MS - 60 }, T0, 20, 2);
    expect('slots' in edge && edge.slots).toEqual([T0 + HORIZON_MS - 60, T0 + HORIZON_MS - 10]);
  });

  it('starts after a pause', () => {
    const claim = claimSlots(null, T0, 20, 1, T0 + 400);
    expect('slots' in claim && claim.slots).toEqual([T0 + 400]);
    expect(claimSlots(null, T0, 20, 1, T0 + 5_000)).toEqual({ waitMs: 4_000 });
  });

  it('replicas claiming in turn from the shared record never exceed the rate in any second', () => {
    // Three replicas claim batches of different sizes as fast as the record lets them.
    let record: SlotRecord | null = null;
    const sent: number[] = [];
    let nowMs = T0;
    while (nowMs < T0 + 10_000) {
      for (const want of [3, 1, 7]) {
        const claim = claimSlots(record, nowMs, 37, want);
        if ('slots' in claim) {
          record = claim.record;
          sent.push(...claim.slots);
        }
      }
      nowMs += 13;
    }
    for (let start = T0; start < T0 + 9_000; start += 97) {
      const inSecond = sent.filter((at) => at >= start && at < start + 1000).length;
      expect(inSecond).toBeLessThanOrEqual(37 + 1);
    }
    // And the rate is used in full while there is demand.
    const inRun = sent.filter((at) => at < T0 + 10_000).length;
    expect(inRun).toBeGreaterThanOrEqual(37 * 10 - 1);
  });
});

describe('effectiveRate', () => {
  it('is the limit without a back-off, null (unthrottled) without either', () => {
    expect(effectiveRate(20, undefined, T0)).toBe(20);
    expect(effectiveRate(null, undefined, T0)).toBeNull();
  });

  it('climbs back from a cut to the limit additively over the recovery time', () => {
    const backoff = { cutAtMs: T0, cutRate: 10, pauseUntilMs: T0 };
    expect(effectiveRate(20, backoff, T0)).toBe(10);
    expect(effectiveRate(20, backoff, T0 + RECOVERY_MS / 4)).toBe(15);
    expect(effectiveRate(20, backoff, T0 + RECOVERY_MS)).toBe(20);
    expect(backoffActive(20, backoff, T0 + RECOVERY_MS / 4)).toBe(true);
    expect(backoffActive(20, backoff, T0 + RECOVERY_MS / 2)).toBe(false);
  });

  it('throttles an endpoint without a limit for a while after its cut, then lets it go', () => {
    const backoff = { cutAtMs: T0, cutRate: 8, pauseUntilMs: T0 + 100 };
    expect(effectiveRate(null, backoff, T0)).toBe(8);
    expect(effectiveRate(null, backoff, T0 + 10_000)).toBe(18);
    expect(effectiveRate(null, { ...backoff, cutRate: 40 }, T0 + 10_000)).toBe(80);
    expect(effectiveRate(null, backoff, T0 + UNLIMITED_BACKOFF_MS)).toBeNull();
    expect(backoffActive(null, backoff, T0 + UNLIMITED_BACKOFF_MS - 1)).toBe(true);
    expect(backoffActive(null, backoff, T0 + UNLIMITED_BACKOFF_MS)).toBe(false);
  });
});

describe('afterThrottled', () => {
  it('halves the rate and pauses for Retry-After', () => {
    expect(afterThrottled(undefined, 20, 0, T0, 2_000)).toEqual({
      cutAtMs: T0,
      cutRate: 10,
      pauseUntilMs: T0 + 2_000,
    });
  });

  it('without Retry-After pauses one slot at the new rate; clamps a long Retry-After', () => {
    expect(afterThrottled(undefined, 20, 0, T0, undefined).pauseUntilMs).toBe(T0 + 100);
    expect(afterThrottled(undefined, 20, 0, T0, 3_600_000).pauseUntilMs).toBe(T0 + MAX_PAUSE_MS);
  });

  it('cuts an endpoint without a limit to half of what this replica was sending', () => {
    expect(afterThrottled(undefined, null, 50, T0, undefined).cutRate).toBe(25);
    expect(afterThrottled(undefined, null, 0, T0, undefined).cutRate).toBe(0.5);
  });

  it('counts the answers of one burst once, but keeps the longest pause', () => {
    const first = afterThrottled(undefined, 20, 0, T0, 500);
    const again = afterThrottled(first, 20, 0, T0 + 100, 2_000);
    expect(again).toEqual({ cutAtMs: T0, cutRate: 10, pauseUntilMs: T0 + 2_100 });
    const later = afterThrottled(again, 20, 0, T0 + CUT_INTERVAL_MS, undefined);
    expect(later.cutRate).toBeCloseTo((10 + (20 * CUT_INTERVAL_MS) / RECOVERY_MS) / 2);
  });

  it('never cuts below the floor', () => {
    let backoff = afterThrottled(undefined, 1, 0, T0, 0);
    for (let i = 1; i < 20; i++) backoff = afterThrottled(backoff, 1, 0, T0 + i * CUT_INTERVAL_MS, 0);
    expect(backoff.cutRate).toBe(MIN_RATE);
  });
});
