import { YOUNG_HANDLER_MS } from '@hookstream/messaging';

/** What the dispatcher has measured of one origin lately (exponentially weighted). */
export interface OriginHealth {
  /** Attempts seen; the averages mean little before a few. */
  samples: number;
  latencyMs: number;
  /** Share of recent attempts that failed, 0 to 1. */
  failureRate: number;
}

export interface FastPathInputs {
  circuitOpen: boolean;
  /** The endpoint has a parked backlog: a new dispatch must not overtake it. */
  backlogged: boolean;
  originInFlight: number;
  originLimit: number;
  /** A global slot is free now, without waiting. */
  globalSlotFree: boolean;
  health: OriginHealth | undefined;
}

/** Above this recent latency an endpoint is "slow": its attempts would hold events at fan-out. */
export const FAST_LATENCY_MS = 250;
/** Above this recent failure share an endpoint is "failing": its retries need the attempt path. */
export const FAST_FAILURE_RATE = 0.2;

export type FastPathDecision = 'attempt' | 'hand_off';

/**
 * Whether the fan-out makes a dispatch's first attempt itself. Only when the endpoint can take it
 * now and has been fast and answering: the event's acknowledgement waits for that attempt, so a
 * slow, failing or saturated endpoint is handed off (`dispatch.created`) to its own pace on the
 * attempt path, and never holds the fan-out. An origin not seen yet is tried once: its first
 * answers decide.
 */
export function fastPathDecision(inputs: FastPathInputs): FastPathDecision {
  if (inputs.circuitOpen || inputs.backlogged) return 'hand_off';
  if (inputs.originInFlight >= inputs.originLimit || !inputs.globalSlotFree) return 'hand_off';
  const health = inputs.health;
  if (health === undefined) return inputs.originInFlight === 0 ? 'attempt' : 'hand_off';
  if (health.samples < 3) return inputs.originInFlight < health.samples + 1 ? 'attempt' : 'hand_off';
  if (health.latencyMs > FAST_LATENCY_MS || health.failureRate > FAST_FAILURE_RATE) return 'hand_off';
  return 'attempt';
}

/**
 * How long the fan-out waits before it writes the `created` fact of a dispatch it hands off to an
 * endpoint that cannot take it: as long as a handler counts against its organization's share of
 * fan-out handlers, so the share bounds how fast such hand-offs are written. A burst's `created`
 * facts and parked entries, each fsynced, are then spread past the burst instead of being written
 * while EVENTS stores the rest of it and everyone else's events (docs/delivery-flow.md,
 * "Hand-offs spread past a burst").
 */
export const HAND_OFF_HOLD_MS = YOUNG_HANDLER_MS;
/**
 * An event that has waited this long since it was stored is handed off at once: the hold spreads
 * a burst, and stops once an organization's fan-out is this far behind.
 */
export const HAND_OFF_HOLD_UNTIL_AGE_MS = 5_000;

export interface HandOffHoldInputs {
  circuitOpen: boolean;
  backlogged: boolean;
  health: OriginHealth | undefined;
  originInFlight: number;
  originLimit: number;
  /** Messages waiting for a slot of the origin. */
  originWaiting: number;
  /** Since a request to the origin last finished (or the first one started). */
  originSilentMs: number;
  /** Since EVENTS stored the event. */
  eventAgeMs: number;
}

/**
 * Whether the fan-out holds the hand-off of a dispatch whose endpoint cannot take it and is not
 * known to be fast: its circuit is open, it has a parked backlog, it has been slow or failing, or
 * it is saturated and unmeasured, silent for longer than a fast answer takes (a hanging endpoint
 * has no answers to measure), or so far behind that the messages already waiting for it take
 * longer than the hold. Such a dispatch waits for its endpoint anyway, so writing it a little
 * later costs it nothing. Never for an endpoint that is only busy and keeps answering fast (a
 * drain), nor for an event that has already waited HAND_OFF_HOLD_UNTIL_AGE_MS.
 */
export function handOffHeld(inputs: HandOffHoldInputs): boolean {
  if (inputs.eventAgeMs >= HAND_OFF_HOLD_UNTIL_AGE_MS) return false;
  if (inputs.circuitOpen || inputs.backlogged) return true;
  const health = inputs.health;
  const measured = health !== undefined && health.samples >= 3;
  if (measured && (health.latencyMs > FAST_LATENCY_MS || health.failureRate > FAST_FAILURE_RATE)) return true;
  if (inputs.originInFlight < inputs.originLimit) return false;
  if (!measured || inputs.originSilentMs > FAST_LATENCY_MS) return true;
  const queuedMs = ((inputs.originWaiting + 1) * health.latencyMs) / inputs.originLimit;
  return queuedMs > HAND_OFF_HOLD_MS;
}

const WEIGHT = 0.2;
const MAX_ORIGINS = 10_000;

/** Recent latency and failure share per origin, for the fast path; the oldest origins are forgotten. */
export class OriginHealthBook {
  private readonly origins = new Map<string, OriginHealth>();

  of(origin: string): OriginHealth | undefined {
    return this.origins.get(origin);
  }

  observe(origin: string, durationMs: number, failed: boolean): void {
    const current = this.origins.get(origin);
    const failure = failed ? 1 : 0;
    const next: OriginHealth = current
      ? {
          samples: current.samples + 1,
          latencyMs: current.latencyMs + WEIGHT * (durationMs - current.latencyMs),
          failureRate: current.failureRate + WEIGHT * (failure - current.failureRate),
        }
      : { samples: 1, latencyMs: durationMs, failureRate: failure };
    // Re-inserting keeps the Map in order of last use, so the first key is the oldest.
    this.origins.delete(origin);
    this.origins.set(origin, next);
    if (this.origins.size > MAX_ORIGINS) {
      const oldest = this.origins.keys().next();
      if (!oldest.done) this.origins.delete(oldest.value);
    }
  }
}
