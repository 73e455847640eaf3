import {
  LEASE_GIVE_UP_MS,
  LEASE_RENEW_MS,
  LEASE_TTL_MS,
  leaseStanding,
  ORDERED_ACK_WAIT_MS,
} from './lease.policy';

describe('leaseStanding', () => {
  it('renews after the renewal interval and gives up long before the lease could expire', () => {
    expect(leaseStanding(1_000, 1_000)).toBe('held');
    expect(leaseStanding(1_000 + LEASE_RENEW_MS, 1_000)).toBe('renew');
    expect(leaseStanding(1_000 + LEASE_GIVE_UP_MS - 1, 1_000)).toBe('renew');
    expect(leaseStanding(1_000 + LEASE_GIVE_UP_MS, 1_000)).toBe('lost');
  });

  it('outlives the ack wait plus one renewal, and an owner that cannot renew stops before it ends', () => {
    expect(LEASE_TTL_MS).toBeGreaterThan(ORDERED_ACK_WAIT_MS + LEASE_RENEW_MS);
    expect(LEASE_GIVE_UP_MS).toBeLessThan(LEASE_TTL_MS - LEASE_RENEW_MS);
  });
});
