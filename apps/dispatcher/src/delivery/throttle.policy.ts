/**
 * Per-endpoint throttling, shared by the dispatcher replicas (docs/delivery-flow.md, "Throttling").
 * The endpoint's time is cut into send slots `1000 / rate` ms apart; the shared record holds the
 * next free slot, and a replica claims a few consecutive slots with compare-and-set. Slots never
 * overlap, so the replicas together never send faster than the rate, and an idle endpoint saves
 * no burst: a claim never starts before now.
 */

/** The shared slot record of one endpoint (KV `slots.<subscriptionId>`). */
export interface SlotRecord {
  /** Epoch ms of the next slot nobody holds. */
  nextMs: number;
}

/** An endpoint's back-off after a 429 or 503 (KV `backoff.<subscriptionId>`), shared by the replicas. */
export interface Backoff {
  /** When the rate was last cut, and what it was cut to (requests per second). */
  cutAtMs: number;
  cutRate: number;
  /** No slot starts before this: Retry-After, or one slot at the cut rate. */
  pauseUntilMs: number;
}

/** One claim takes at most this much of the endpoint's time: a delivery costs a fraction of a KV operation. */
export const CLAIM_AHEAD_MS = 250;
/** Slots are never claimed further ahead than this, so a replica never sits on the others' share. */
export const HORIZON_MS = 1_000;
/** A limited endpoint's cut rate climbs back by its limit per this time: at most this long back to the limit. */
export const RECOVERY_MS = 10_000;
/** An endpoint without a limit is throttled this long after its last cut, climbing by one request per second each second (more when the cut rate is high). */
export const UNLIMITED_BACKOFF_MS = 30_000;
/** Answers within this time of a cut are one overload: the rate is cut at most once per period. */
export const CUT_INTERVAL_MS = 1_000;
/** The slowest a cut takes an endpoint to: one request per five seconds. */
export const MIN_RATE = 0.2;
/** The longest pause a Retry-After imposes (longer values are clamped). */
export const MAX_PAUSE_MS = 60_000;

/**
 * Requests per second the endpoint takes now; null when it is not throttled at all. A cut climbs
 * back additively: by a tenth of the limit per second, or without a limit by a tenth of the cut rate
 * (at least one request) per second until UNLIMITED_BACKOFF_MS have passed.
 */
export function effectiveRate(
  limit: number | null,
  backoff: Backoff | undefined,
  nowMs: number,
): number | null {
  if (backoff === undefined) return limit;
  const elapsedMs = Math.max(0, nowMs - backoff.cutAtMs);
  if (limit === null) {
    if (elapsedMs >= UNLIMITED_BACKOFF_MS && nowMs >= backoff.pauseUntilMs) return null;
    return backoff.cutRate + (Math.max(1, backoff.cutRate / 10) * elapsedMs) / 1000;
  }
  return Math.min(limit, backoff.cutRate + (limit * elapsedMs) / RECOVERY_MS);
}

/** Whether a back-off still changes anything at `nowMs` (a paused or slowed endpoint). */
export function backoffActive(limit: number | null, backoff: Backoff, nowMs: number): boolean {
  if (nowMs < backoff.pauseUntilMs) return true;
  const rate = effectiveRate(limit, backoff, nowMs);
  return rate !== null && (limit === null || rate < limit);
}

/**
 * The back-off after the endpoint answered 429 or 503: the rate halves (at most once per
 * CUT_INTERVAL_MS, so the answers of one burst count once) and no slot starts before
 * Retry-After, clamped to MAX_PAUSE_MS, or one slot at the new rate when there is none.
 * `sendingRate` is what this replica was sending at, for an endpoint that had no limit yet.
 */
export function afterThrottled(
  previous: Backoff | undefined,
  limit: number | null,
  sendingRate: number,
  nowMs: number,
  retryAfterMs: number | undefined,
): Backoff {
  const recent = previous !== undefined && nowMs - previous.cutAtMs < CUT_INTERVAL_MS;
  const current = effectiveRate(limit, previous, nowMs) ?? Math.max(1, sendingRate);
  const cutRate = recent ? previous.cutRate : Math.max(MIN_RATE, current / 2);
  const pauseMs = Math.min(MAX_PAUSE_MS, Math.max(0, retryAfterMs ?? 1000 / cutRate));
  return {
    cutAtMs: recent ? previous.cutAtMs : nowMs,
    cutRate,
    pauseUntilMs: Math.max(previous?.pauseUntilMs ?? 0, nowMs + pauseMs),
  };
}

export type Claim = { slots: number[]; record: SlotRecord } | { waitMs: number };

/**
 * Claims up to `want` consecutive slots at `rate` per second, starting at the next free slot but
 * never before now or the end of a pause: at most CLAIM_AHEAD_MS worth and none beyond
 * HORIZON_MS from now. `waitMs` until the slots wanted fit within the horizon.
 */
export function claimSlots(
  record: SlotRecord | null,
  nowMs: number,
  rate: number,
  want: number,
  pauseUntilMs = 0,
): Claim {
  const intervalMs = 1000 / rate;
  const startMs = Math.max(record?.nextMs ?? 0, nowMs, pauseUntilMs);
  const batch = Math.max(1, Math.floor(CLAIM_AHEAD_MS / intervalMs));
  const count = Math.max(1, Math.min(want, batch));
  // Wait until the whole batch fits within the horizon: a busy endpoint's horizon is always
  // nearly full, and claiming the one slot that just came free would cost a write per delivery.
  const fitsAtMs = startMs - HORIZON_MS + (count - 1) * intervalMs;
  if (fitsAtMs > nowMs) return { waitMs: Math.max(1, Math.ceil(fitsAtMs - nowMs)) };
  const slots = Array.from({ length: count }, (_, i) => startMs + i * intervalMs);
  return { slots, record: { nextMs: startMs + count * intervalMs } };
}
