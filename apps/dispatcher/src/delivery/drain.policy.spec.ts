import { drainAction, scheduleEndsAtMs, type DrainInputs } from './drain.policy';

describe('drainAction', () => {
  const inputs = (overrides: Partial<DrainInputs> = {}): DrainInputs => ({
    routeKnown: true,
    deliverable: true,
    circuitOpen: false,
    probeAllowed: () => {
      throw new Error('probe asked for');
    },
    ...overrides,
  });

  it('drains a closed circuit without asking for a probe', () => {
    expect(drainAction(inputs())).toBe('drain');
  });

  it('holds an open circuit and probes only when the probe slot is granted', () => {
    expect(drainAction(inputs({ circuitOpen: true, probeAllowed: () => false }))).toBe('hold');
    expect(drainAction(inputs({ circuitOpen: true, probeAllowed: () => true }))).toBe('probe');
  });

  it('drains an undeliverable subscription at once, whatever its circuit says', () => {
    expect(drainAction(inputs({ deliverable: false, circuitOpen: true }))).toBe('drain');
  });

  it('waits for the routing table before touching a subscription it does not know', () => {
    expect(drainAction(inputs({ routeKnown: false, deliverable: false }))).toBe('hold');
  });
});

describe('scheduleEndsAtMs', () => {
  it('is the first due time plus the whole schedule with its jitter', () => {
    const firstDueAt = '2026-12-01T00:00:00.000Z';
    const ends = scheduleEndsAtMs({ firstDueAt }, [5_000, 300_000]);
    expect(ends - Date.parse(firstDueAt)).toBe(Math.ceil(305_000 * 1.2));
  });

  it('ends at the first due time for an empty schedule (one attempt only)', () => {
    expect(scheduleEndsAtMs({ firstDueAt: '2026-12-01T00:00:00.000Z' }, [])).toBe(
      Date.parse('2026-12-01T00:00:00.000Z'),
    );
  });
});
