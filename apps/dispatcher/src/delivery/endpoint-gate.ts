interface Waiter {
  resolve(granted: boolean): void;
  timer: NodeJS.Timeout;
}

interface OriginState {
  inFlight: number;
  waiters: Waiter[];
  /** Smoothed duration of the origin's recent requests. */
  averageMs: number;
  /** Last time a request of the origin finished (or the state was created). */
  lastReleaseMs: number;
}

export interface EndpointGateOptions {
  /** Requests in flight per origin (DELIVERY_ENDPOINT_CONCURRENCY). */
  originLimit: number;
  /** Requests in flight overall (DELIVERY_CONCURRENCY). */
  globalLimit: number;
  /** Messages waiting for a busy origin, overall. */
  maxWaiting: number;
  /** A waiting message goes back to the stream once its origin has not answered for this long. */
  maxWaitMs: number;
}

const SMOOTHING = 0.2;

/**
 * Whether a message may wait for a saturated origin: only if the origin, at the pace it has been
 * answering, frees a slot for it within `maxWaitMs`. The pace is the slower of the recent average
 * and the time since the last answer, so an endpoint that stopped answering admits no one within
 * moments, a slow one a few, and a fast one as many as come.
 */
export function admitsWait(
  waiting: number,
  originLimit: number,
  averageMs: number,
  sinceReleaseMs: number,
  maxWaitMs: number,
): boolean {
  const pace = Math.max(averageMs, sinceReleaseMs);
  return ((waiting + 1) * pace) / originLimit <= maxWaitMs;
}

/**
 * Bounds requests in flight per origin and overall. A message for a saturated origin waits only
 * while that origin answers fast enough to take it soon, and only as long as it keeps answering;
 * otherwise it is refused and goes back to the stream, so a slow or hanging endpoint never holds
 * the handlers other endpoints need. The global bound always waits: plain backpressure on pulling.
 */
export class EndpointGate {
  private readonly origins = new Map<string, OriginState>();
  private waiting = 0;
  private running = 0;
  private readonly globalWaiters: Array<() => void> = [];

  constructor(private readonly options: EndpointGateOptions) {}

  get inFlight(): number {
    return this.running;
  }

  inFlightTo(origin: string): number {
    return this.origins.get(origin)?.inFlight ?? 0;
  }

  /** Takes an origin slot, possibly after a short wait; false when the origin is saturated. */
  enter(origin: string, nowMs: number): Promise<boolean> {
    let state = this.origins.get(origin);
    if (!state) {
      state = { inFlight: 0, waiters: [], averageMs: 0, lastReleaseMs: nowMs };
      this.origins.set(origin, state);
    }
    if (state.inFlight < this.options.originLimit) {
      state.inFlight++;
      return Promise.resolve(true);
    }
    const { originLimit, maxWaitMs, maxWaiting } = this.options;
    if (
      this.waiting >= maxWaiting ||
      !admitsWait(state.waiters.length, originLimit, state.averageMs, nowMs - state.lastReleaseMs, maxWaitMs)
    )
      return Promise.resolve(false);
    const originState = state;
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: undefined as unknown as NodeJS.Timeout };
      // Waiting lasts while the origin keeps answering: it ends once it has been silent for maxWaitMs.
      const check = (): void => {
        const silentMs = Date.now() - originState.lastReleaseMs;
        if (silentMs < maxWaitMs) {
          waiter.timer = setTimeout(check, maxWaitMs - silentMs);
          return;
        }
        this.dropWaiter(originState.waiters, waiter);
        resolve(false);
      };
      waiter.timer = setTimeout(check, maxWaitMs);
      originState.waiters.push(waiter);
      this.waiting++;
    });
  }

  /** Resolves once a global slot is free (taken in arrival order). */
  acquire(): Promise<void> {
    if (this.running < this.options.globalLimit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.globalWaiters.push(resolve));
  }

  /** Gives back the slots of a finished request; a message waiting for the same origin takes its slot over. */
  leave(origin: string, holdsGlobal: boolean, durationMs: number, nowMs: number): void {
    const state = this.origins.get(origin);
    if (state) {
      state.averageMs += SMOOTHING * (durationMs - state.averageMs);
      state.lastReleaseMs = nowMs;
      const next = state.waiters[0];
      if (next) {
        this.dropWaiter(state.waiters, next);
        clearTimeout(next.timer);
        next.resolve(true);
      } else if (--state.inFlight === 0) this.origins.delete(origin);
    }
    if (!holdsGlobal) return;
    const nextGlobal = this.globalWaiters.shift();
    if (nextGlobal) nextGlobal();
    else this.running--;
  }

  private dropWaiter(waiters: Waiter[], waiter: Waiter): void {
    const index = waiters.indexOf(waiter);
    if (index < 0) return;
    waiters.splice(index, 1);
    this.waiting--;
  }
}

const SATURATION_BASE_MS = 250;
const SATURATION_MAX_MS = 30_000;

/**
 * How long a message of a saturated origin stays back: growing with each hand-back, so a long
 * backlog for a hanging endpoint settles into a slow cycle instead of spinning; ±25 % jitter
 * spreads the returns.
 */
export function saturationDelayMs(deliveryCount: number, random: () => number): number {
  const exponent = Math.min(Math.max(deliveryCount, 1) - 1, 7);
  const base = Math.min(SATURATION_BASE_MS * 2 ** exponent, SATURATION_MAX_MS);
  return Math.round(base * (0.75 + 0.5 * random()));
}
