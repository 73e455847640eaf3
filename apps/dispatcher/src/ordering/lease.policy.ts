/**
 * Timings of the ordering leases (docs/delivery-flow.md, "Ordered delivery"). A lease is a key in
 * a KV bucket whose entries the server removes after LEASE_TTL_MS; the owner rewrites it every
 * LEASE_RENEW_MS with compare-and-set on its revision. The TTL is longer than the ordered
 * consumers' ack wait plus one renewal, so a new owner never starts before everything the old
 * one held unacknowledged could be redelivered; and an owner that could not renew for
 * LEASE_GIVE_UP_MS stops on its own, well before anyone else may take over.
 */
export const ORDERED_ACK_WAIT_MS = 30_000;
export const LEASE_RENEW_MS = 5_000;
export const LEASE_TTL_MS = 45_000;
export const LEASE_GIVE_UP_MS = 20_000;

export type LeaseStanding = 'held' | 'renew' | 'lost';

/** What an owner does with a lease it last renewed at `renewedAtMs`. */
export function leaseStanding(nowMs: number, renewedAtMs: number): LeaseStanding {
  const age = nowMs - renewedAtMs;
  if (age >= LEASE_GIVE_UP_MS) return 'lost';
  return age >= LEASE_RENEW_MS ? 'renew' : 'held';
}
