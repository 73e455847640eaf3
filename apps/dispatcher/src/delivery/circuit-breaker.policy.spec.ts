import {
  afterFailure,
  afterSuccess,
  closedRecord,
  newerRecord,
  probeDelayMs,
  probeDue,
  type BreakerPolicy,
} from './circuit-breaker.policy';

const policy: BreakerPolicy = { failureThreshold: 3, probeBaseMs: 1_000, probeMaxMs: 8_000 };
const key = { subscriptionId: 'wh_1', organizationId: 'org_1' };
const mid = (): number => 0.5;
const at = (ms: number): Date => new Date(Date.UTC(2026, 11, 1) + ms);

describe('circuit breaker', () => {
  it('opens at the threshold of failures in a row, with the first probe one base delay later', () => {
    let record = closedRecord(key, at(0));
    for (let i = 1; i < 3; i++) {
      const step = afterFailure(record, 'HTTP 500', false, policy, at(i), mid);
      expect(step.changed).toBe(false);
      expect(step.record.state).toBe('closed');
      record = step.record;
    }
    const opened = afterFailure(record, 'timeout', false, policy, at(3), mid);
    expect(opened.changed).toBe(true);
    expect(opened.record).toMatchObject({ state: 'open', consecutiveFailures: 3, reason: 'timeout' });
    expect(Date.parse(opened.record.nextProbeAt!)).toBe(at(3).getTime() + 1_000);
  });

  it('starts counting again after a success', () => {
    let record = closedRecord(key, at(0));
    record = afterFailure(record, 'x', false, policy, at(1), mid).record;
    record = afterFailure(record, 'x', false, policy, at(2), mid).record;
    record = afterSuccess(record, at(3)).record;
    expect(afterFailure(record, 'x', false, policy, at(4), mid).record.state).toBe('closed');
  });

  it('backs the probes off exponentially up to the ceiling; stragglers in flight change nothing', () => {
    let record = closedRecord(key, at(0));
    for (let i = 0; i < 3; i++) record = afterFailure(record, 'x', false, policy, at(0), mid).record;
    const straggler = afterFailure(record, 'x', false, policy, at(10), mid);
    expect(straggler.record).toBe(record);
    const probed = afterFailure(record, 'x', true, policy, at(1_000), mid).record;
    expect(probed).toMatchObject({ state: 'open', failedProbes: 1 });
    expect(Date.parse(probed.nextProbeAt!) - at(1_000).getTime()).toBe(2_000);
    expect(probeDelayMs(10, policy, mid)).toBe(8_000);
    expect(probeDelayMs(0, policy, () => 0)).toBe(800);
    expect(probeDelayMs(0, policy, () => 0.999999)).toBe(1_200);
  });

  it('closes on the first success of an open circuit and lets probes through only when due', () => {
    let record = closedRecord(key, at(0));
    for (let i = 0; i < 3; i++) record = afterFailure(record, 'x', false, policy, at(0), mid).record;
    expect(probeDue(record, at(999).getTime())).toBe(false);
    expect(probeDue(record, at(1_000).getTime())).toBe(true);
    const closed = afterSuccess(record, at(1_500));
    expect(closed.changed).toBe(true);
    expect(closed.record).toMatchObject({ state: 'closed', consecutiveFailures: 0, nextProbeAt: null });
  });

  it('prefers the later transition between replicas, and a recovery by the API on a tie', () => {
    const open = { ...closedRecord(key, at(0)), state: 'open' as const, since: at(5).toISOString() };
    const closed = closedRecord(key, at(9));
    expect(newerRecord(open, closed)).toBe(closed);
    expect(newerRecord(closed, open)).toBe(closed);
    const recovered = { ...closedRecord(key, at(5)), recoveredBy: 'api' as const };
    expect(newerRecord(open, recovered)).toBe(recovered);
  });
});
