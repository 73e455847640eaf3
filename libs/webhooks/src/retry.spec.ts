import fc from 'fast-check';
import {
  clampRetryAfter,
  classifyResponse,
  decideOutcome,
  DEFAULT_SCHEDULE,
  nextDelay,
  parseDuration,
  parseRetryAfter,
  parseSchedule,
  type AttemptResult,
} from './retry';

const now = new Date('2026-11-23T10:00:00.000Z');
const noJitter = (): number => 0.5;

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1500', 1500],
    ['5s', 5_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['5d', 432_000_000],
    [' 10h ', 36_000_000],
    ['0s', 0],
  ])('%j -> %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5x', '1.5h', '-5s', '5 s', 's', '5S', '9007199254740993d'])(
    'refuses %j with a message naming it',
    (text) => expect(() => parseDuration(text)).toThrow(`"${text}"`),
  );

  it('refuses an empty duration', () => expect(() => parseDuration('')).toThrow('invalid duration ""'));
});

describe('parseSchedule', () => {
  it('reads the default schedule, from text or from a list', () => {
    const expected = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
    expect(parseSchedule('5s,5m,30m,2h,5h,10h,10h')).toEqual(expected);
    expect(parseSchedule(['5s', '5m', '30m', '2h', '5h', '10h', '10h'])).toEqual(expected);
    expect(DEFAULT_SCHEDULE).toEqual(expected);
    expect(parseSchedule(' 100ms , 200ms ')).toEqual([100, 200]);
  });

  it.each([
    ['', 'at least one duration'],
    [[], 'at least one duration'],
    ['5s,,5m', 'invalid duration ""'],
    ['5s,soon', 'invalid duration "soon"'],
    ['5s,0s', 'entry 2 ("0s") must be above 0'],
    ['8d', 'at most 7d'],
    [Array(51).fill('1s').join(','), 'at most 50 durations'],
  ])('refuses %j', (schedule, message) => expect(() => parseSchedule(schedule)).toThrow(message));
});

describe('nextDelay', () => {
  it('gives eight attempts with the default schedule: seven delays, then none', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => nextDelay(DEFAULT_SCHEDULE, n, noJitter));
    expect(delays).toEqual([...DEFAULT_SCHEDULE, undefined]);
  });

  it('jitters by at most 20 % either way, and reaches both ends', () => {
    expect(nextDelay([10_000], 1, () => 0)).toBe(8_000);
    expect(nextDelay([10_000], 1, () => 0.999999)).toBe(12_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const base = DEFAULT_SCHEDULE[n - 1]!;
          const delay = nextDelay(DEFAULT_SCHEDULE, n, () => r)!;
          expect(delay).toBeGreaterThanOrEqual(base * 0.8);
          expect(delay).toBeLessThanOrEqual(base * 1.2);
        },
      ),
    );
  });

  it('refuses attempt numbers below 1', () => {
    expect(() => nextDelay(DEFAULT_SCHEDULE, 0, noJitter)).toThrow('start at 1');
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Mon, 23 Nov 2026 10:02:00 GMT', 120_000],
    ['Monday, 23-Nov-26 10:00:30 GMT', 30_000],
    ['Sun, 22 Nov 2026 10:00:00 GMT', 0],
  ])('%j -> %d ms', (header, ms) => expect(parseRetryAfter(header, now)).toBe(ms));

  it.each([
    null,
    undefined,
    '',
    'soon',
    '1.5',
    '-5',
    '2026-11-23T10:02:00Z',
    'Mon, 32 Nov 2026 10:02:00 GMT',
  ])('ignores %j', (header) => expect(parseRetryAfter(header, now)).toBeUndefined());
});

describe('clampRetryAfter', () => {
  it('keeps a wait between 1 s and 1 h by default, within configured bounds otherwise', () => {
    expect(clampRetryAfter(0)).toBe(1_000);
    expect(clampRetryAfter(30_000)).toBe(30_000);
    expect(clampRetryAfter(86_400_000)).toBe(3_600_000);
    expect(clampRetryAfter(86_400_000, { minMs: 0, maxMs: 600_000 })).toBe(600_000);
  });
});

describe('classifyResponse', () => {
  it.each<[AttemptResult, ReturnType<typeof classifyResponse>]>([
    [{ status: 200 }, { kind: 'success' }],
    [{ status: 299 }, { kind: 'success' }],
    [{ status: 302 }, { kind: 'failure', reason: 'HTTP 302: redirects are not followed' }],
    [{ status: 410 }, { kind: 'gone', reason: 'HTTP 410: the endpoint is gone' }],
    [{ status: 429 }, { kind: 'throttled', reason: 'HTTP 429' }],
    [{ status: 503 }, { kind: 'throttled', reason: 'HTTP 503' }],
    [{ status: 404 }, { kind: 'failure', reason: 'HTTP 404' }],
    [{ status: 199 }, { kind: 'failure', reason: 'HTTP 199' }],
    [
      { status: null, error: 'timeout after 15000 ms' },
      { kind: 'failure', reason: 'timeout after 15000 ms' },
    ],
    [{ status: null }, { kind: 'failure', reason: 'no response' }],
  ])('%j', (result, expected) => expect(classifyResponse(result)).toEqual(expected));
});

describe('decideOutcome', () => {
  const decide = (result: AttemptResult, attempt = 1) =>
    decideOutcome(result, attempt, DEFAULT_SCHEDULE, now, noJitter);

  it('delivers on any 2xx, whatever else happened', () => {
    expect(decide({ status: 204, error: 'body read failed' })).toEqual({ kind: 'delivered' });
  });

  it('retries redirects, server errors, timeouts and refused addresses by the schedule', () => {
    expect(decide({ status: 301 })).toEqual({
      kind: 'retry',
      delayMs: 5_000,
      reason: 'HTTP 301: redirects are not followed',
    });
    expect(decide({ status: 500 }, 2)).toEqual({ kind: 'retry', delayMs: 300_000, reason: 'HTTP 500' });
    expect(decide({ status: null, error: 'timeout after 15000 ms' }, 3)).toMatchObject({
      delayMs: 1_800_000,
    });
    const refused = decide({ status: null, error: 'address 10.0.0.1 is private' });
    expect(refused).toEqual({ kind: 'retry', delayMs: 5_000, reason: 'address 10.0.0.1 is private' });
  });

  it('gives up and disables on 410, even on the first attempt', () => {
    expect(decide({ status: 410 })).toEqual({
      kind: 'give_up',
      reason: 'HTTP 410: the endpoint is gone',
      disable: true,
    });
  });

  it('gives up without disabling once the schedule is exhausted', () => {
    expect(decide({ status: 500 }, 7)).toMatchObject({ kind: 'retry', delayMs: 36_000_000 });
    expect(decide({ status: 500 }, 8)).toEqual({
      kind: 'give_up',
      reason: 'HTTP 500 (attempt 8, no retries left)',
      disable: false,
    });
    expect(decide({ status: 429, retryAfter: '10' }, 8)).toMatchObject({ kind: 'give_up', disable: false });
  });

  it('honours Retry-After on 429 and 503 when it asks for longer than the schedule', () => {
    expect(decide({ status: 429, retryAfter: '120' })).toEqual({
      kind: 'retry',
      delayMs: 120_000,
      reason: 'HTTP 429',
    });
    expect(decide({ status: 503, retryAfter: 'Mon, 23 Nov 2026 10:10:00 GMT' })).toMatchObject({
      delayMs: 600_000,
    });
  });

  it('never lets Retry-After shorten the schedule', () => {
    expect(decide({ status: 429, retryAfter: '1' }, 2)).toMatchObject({ delayMs: 300_000 });
    expect(decide({ status: 503, retryAfter: '0' })).toMatchObject({ delayMs: 5_000 });
  });

  it('clamps Retry-After to the bounds', () => {
    expect(decide({ status: 429, retryAfter: '86400' })).toMatchObject({ delayMs: 3_600_000 });
    const custom = decideOutcome({ status: 429, retryAfter: '86400' }, 1, [100], now, noJitter, {
      minMs: 50,
      maxMs: 2_000,
    });
    expect(custom).toMatchObject({ delayMs: 2_000 });
  });

  it('ignores Retry-After on other statuses', () => {
    expect(decide({ status: 500, retryAfter: '600' })).toMatchObject({ delayMs: 5_000 });
  });

  it('waits at least the jittered schedule and at most the larger of schedule and clamp for any failure', () => {
    const status = fc.oneof(
      fc.constant(null),
      fc.integer({ min: 300, max: 599 }).filter((s) => s !== 410),
    );
    const retryAfter = fc.option(fc.nat({ max: 200_000 }).map(String));
    fc.assert(
      fc.property(
        status,
        retryAfter,
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (s, ra, n, r) => {
          const outcome = decideOutcome({ status: s, retryAfter: ra }, n, DEFAULT_SCHEDULE, now, () => r);
          if (outcome.kind !== 'retry') throw new Error(`expected a retry, got ${outcome.kind}`);
          const base = DEFAULT_SCHEDULE[n - 1]!;
          expect(outcome.delayMs).toBeGreaterThanOrEqual(base * 0.8);
          expect(outcome.delayMs).toBeLessThanOrEqual(Math.max(base * 1.2, 3_600_000));
        },
      ),
    );
  });
});
