import { HeldRetries, retryShare } from './held-retries.state';

describe('HeldRetries', () => {
  it('lets each subscription hold up to its share, independently of the others', () => {
    const held = new HeldRetries(2);
    expect(held.tryHold('wh_a', 1, 10_000, 0)).toBe(true);
    expect(held.tryHold('wh_a', 2, 10_000, 0)).toBe(true);
    expect(held.tryHold('wh_a', 3, 10_000, 0)).toBe(false);
    expect(held.tryHold('wh_b', 4, 10_000, 0)).toBe(true);
    expect(held.count('wh_a')).toBe(2);
  });

  it('takes back a retry it already holds (a redelivery) without counting it twice', () => {
    const held = new HeldRetries(1);
    expect(held.tryHold('wh_a', 1, 10_000, 0)).toBe(true);
    expect(held.tryHold('wh_a', 1, 20_000, 5_000)).toBe(true);
    expect(held.count('wh_a')).toBe(1);
  });

  it('frees the room of retries that came due and of released ones', () => {
    const held = new HeldRetries(1);
    held.tryHold('wh_a', 1, 1_000, 0);
    expect(held.tryHold('wh_a', 2, 9_000, 1_500)).toBe(false);
    expect(held.tryHold('wh_a', 2, 9_000, 2_500)).toBe(true);
    held.release('wh_a', 2);
    expect(held.count('wh_a')).toBe(0);
  });
});

describe('retryShare', () => {
  it('is a tenth of the pending limit, never under 100', () => {
    expect(retryShare(200_000)).toBe(20_000);
    expect(retryShare(500)).toBe(100);
  });
});
