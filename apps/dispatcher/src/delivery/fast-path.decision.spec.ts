import { fastPathDecision, OriginHealthBook, type FastPathInputs } from './fast-path.decision';

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
