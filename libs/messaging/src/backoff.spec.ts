import { backoffMs, handlerErrorDelayMs, sleep } from './backoff';

describe('backoffMs', () => {
  it('grows with each attempt up to the ceiling, jittered within the upper half', () => {
    expect(backoffMs(0, 250, 5_000, () => 0)).toBe(125);
    expect(backoffMs(0, 250, 5_000, () => 1)).toBe(250);
    expect(backoffMs(3, 250, 5_000, () => 1)).toBe(2_000);
    expect(backoffMs(30, 250, 5_000, () => 1)).toBe(5_000);
    expect(backoffMs(30, 250, 5_000, () => 0)).toBe(2_500);
  });
});

describe('handlerErrorDelayMs', () => {
  it('starts short and doubles per delivery, capped at 30 s', () => {
    expect([1, 2, 3, 4].map(handlerErrorDelayMs)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(handlerErrorDelayMs(50)).toBe(30_000);
  });
});

describe('sleep', () => {
  it('ends at once when aborted', async () => {
    const abort = new AbortController();
    const pending = sleep(60_000, abort.signal);
    abort.abort();
    await expect(pending).resolves.toBeUndefined();
  });
});
