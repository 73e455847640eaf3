import {
  fastPathDecision,
  HAND_OFF_HOLD_UNTIL_AGE_MS,
  handOffHeld,
  OriginHealthBook,
  type FastPathInputs,
  type HandOffHoldInputs,
} from './fast-path.decision';

describe('handOffHeld', () => {
  const healthy = { samples: 20, latencyMs: 5, failureRate: 0 };
  const inputs = (overrides: Partial<HandOffHoldInputs> = {}): HandOffHoldInputs => ({
    circuitOpen: false,
    backlogged: false,
    health: healthy,
    originInFlight: 32,
    originLimit: 32,
    originWaiting: 0,
    originSilentMs: 1,
    eventAgeMs: 10,
    ...overrides,
  });

  it('hands off at once to a fast endpoint that is only busy, or has a free slot', () => {
    expect(handOffHeld(inputs())).toBe(false);
    // A full waiting room in front of a fast endpoint is still drained within the hold.
    expect(handOffHeld(inputs({ originWaiting: 512 }))).toBe(false);
    expect(handOffHeld(inputs({ originInFlight: 1, health: undefined }))).toBe(false);
    expect(handOffHeld(inputs({ originInFlight: 31, originSilentMs: 5_000 }))).toBe(false);
  });

  it('holds hand-offs to an endpoint whose circuit is open, with a parked backlog, slow or failing', () => {
    expect(handOffHeld(inputs({ circuitOpen: true, originInFlight: 0 }))).toBe(true);
    expect(handOffHeld(inputs({ backlogged: true, originInFlight: 0 }))).toBe(true);
    expect(handOffHeld(inputs({ originInFlight: 0, health: { ...healthy, latencyMs: 2_000 } }))).toBe(true);
    expect(handOffHeld(inputs({ originInFlight: 0, health: { ...healthy, failureRate: 0.5 } }))).toBe(true);
  });

  it('holds hand-offs to a saturated endpoint not measured yet, silent, or far behind', () => {
    expect(handOffHeld(inputs({ health: undefined }))).toBe(true);
    expect(handOffHeld(inputs({ health: { samples: 2, latencyMs: 5, failureRate: 0 } }))).toBe(true);
    // Requests in flight and none answered for longer than a fast answer takes: it hangs.
    expect(handOffHeld(inputs({ originSilentMs: 300 }))).toBe(true);
    // 200 ms answers, 32 at a time, 512 waiting: the last one waits more than three seconds.
    expect(handOffHeld(inputs({ health: { ...healthy, latencyMs: 200 }, originWaiting: 512 }))).toBe(true);
    expect(handOffHeld(inputs({ health: { ...healthy, latencyMs: 200 }, originWaiting: 10 }))).toBe(false);
  });

  it('never holds an event that has already waited, so an organization falls behind by a bounded time', () => {
    const aged = { eventAgeMs: HAND_OFF_HOLD_UNTIL_AGE_MS };
    expect(handOffHeld(inputs({ ...aged, circuitOpen: true }))).toBe(false);
    expect(handOffHeld(inputs({ ...aged, health: undefined }))).toBe(false);
    expect(handOffHeld(inputs({ eventAgeMs: HAND_OFF_HOLD_UNTIL_AGE_MS - 1, circuitOpen: true }))).toBe(true);
  });
});

describe('fastPathDecision', () => {
  const healthy = { samples: 20, latencyMs: 5, failureRate: 0 };
  const inputs = (overrides: Partial<FastPathInputs> = {}): FastPathInputs => ({
    circuitOpen: false,
    backlogged: false,
    originInFlight: 0,
    originLimit: 32,
    globalSlotFree: true,
    health: healthy,
    ...overrides,
  });

  it('attempts at fan-out for a fast, answering endpoint with room', () => {
    expect(fastPathDecision(inputs())).toBe('attempt');
    expect(fastPathDecision(inputs({ originInFlight: 31 }))).toBe('attempt');
  });

  it('hands off an endpoint whose circuit is open or that has a parked backlog', () => {
    expect(fastPathDecision(inputs({ circuitOpen: true }))).toBe('hand_off');
    expect(fastPathDecision(inputs({ backlogged: true }))).toBe('hand_off');
  });

  it('hands off when the endpoint or the process has no slot free now', () => {
    expect(fastPathDecision(inputs({ originInFlight: 32 }))).toBe('hand_off');
    expect(fastPathDecision(inputs({ globalSlotFree: false }))).toBe('hand_off');
  });

  it('hands off a slow or failing endpoint', () => {
    expect(fastPathDecision(inputs({ health: { ...healthy, latencyMs: 400 } }))).toBe('hand_off');
    expect(fastPathDecision(inputs({ health: { ...healthy, failureRate: 0.5 } }))).toBe('hand_off');
  });

  it('tries an unknown origin one request at a time until it has a few answers', () => {
    expect(fastPathDecision(inputs({ health: undefined }))).toBe('attempt');
    expect(fastPathDecision(inputs({ health: undefined, originInFlight: 1 }))).toBe('hand_off');
    const young = { samples: 1, latencyMs: 5, failureRate: 0 };
    expect(fastPathDecision(inputs({ health: young, originInFlight: 1 }))).toBe('attempt');
    expect(fastPathDecision(inputs({ health: young, originInFlight: 2 }))).toBe('hand_off');
  });
});

describe('OriginHealthBook', () => {
  it('follows recent latency and failures, weighting the newest a fifth', () => {
    const book = new OriginHealthBook();
    book.observe('https://a', 10, false);
    expect(book.of('https://a')).toEqual({ samples: 1, latencyMs: 10, failureRate: 0 });
    book.observe('https://a', 60, true);
    expect(book.of('https://a')).toEqual({ samples: 2, latencyMs: 20, failureRate: 0.2 });
    expect(book.of('https://b')).toBeUndefined();
  });
});
