import { FairQueue } from '@hookstream/messaging';

interface Waiter {
  resolve(granted: boolean): void;
  timer?: NodeJS.Timeout;
}

interface OriginState {
  inFlight: number;
  waiters: Waiter[];
  /** Last time a request of the origin finished (or the state was created). */
  lastReleaseMs: number;
}

export interface EndpointGateOptions {
  /** Requests in flight per origin (DELIVERY_ENDPOINT_CONCURRENCY). */
  originLimit: number;
  /** Requests in flight overall (DELIVERY_CONCURRENCY). */
  globalLimit: number;
  /** Messages waiting for busy origins, overall; shared fairly between the origins that have waiters. */
  maxWaiting: number;
  /** A waiting message goes back to the stream once its origin has not answered for this long. */
  maxWaitMs: number;
}

/**
 * How many messages one origin may have waiting: an equal share of the waiting room between the
 * origins that need it (never less than its own concurrency), so a slow endpoint's backlog cannot
 * take the room every other endpoint needs, while a single busy endpoint may use all of it.
 */
export function waitingShare(maxWaiting: number, originsWaiting: number, originLimit: number): number {
  return Math.max(originLimit, Math.floor(maxWaiting / Math.max(1, originsWaiting)));
}

/**
 * Bounds requests in flight per origin and overall. A message for a saturated origin waits for a
 * slot while the origin keeps answering and its share of the waiting room allows; an origin that
 * stopped answering, or one over its share, has its messages refused so they go back to the
 * stream and no handler is held for it. The global bound always waits: plain backpressure.
 */
export class EndpointGate {
  private readonly origins = new Map<string, OriginState>();
  private waiting = 0;
  private originsWaiting = 0;
  private running = 0;
  private readonly globalWaiters = new FairQueue<() => void>();

  constructor(private readonly options: EndpointGateOptions) {}

  get inFlight(): number {
    return this.running;
  }

  inFlightTo(origin: string): number {
    return this.origins.get(origin)?.inFlight ?? 0;
  }

  /** Messages waiting for a slot of the origin. */
  waitingFor(origin: string): number {
    return this.origins.get(origin)?.waiters.length ?? 0;
  }

  /** How long the origin has had requests in flight without one finishing; 0 when it has none. */
  silentMs(origin: string, nowMs: number): number {
    const state = this.origins.get(origin);
    return state === undefined ? 0 : nowMs - state.lastReleaseMs;
  }

  /**
   * Takes an origin slot, possibly after waiting; false when the origin is saturated. A patient
   * caller (a parked queue's drain, already paced to the endpoint) waits for its slot instead.
   */
  enter(origin: string, nowMs: number, patient = false): Promise<boolean> {
    let state = this.origins.get(origin);
    if (!state) {
      state = { inFlight: 0, waiters: [], lastReleaseMs: nowMs };
      this.origins.set(origin, state);
    }
    if (state.inFlight < this.options.originLimit) {
      state.inFlight++;
      return Promise.resolve(true);
    }
    if (patient) return this.wait(state, false);
    const { originLimit, maxWaitMs, maxWaiting } = this.options;
    const competing = this.originsWaiting + (state.waiters.length === 0 ? 1 : 0);
    if (
      nowMs - state.lastReleaseMs >= maxWaitMs ||
      this.waiting >= maxWaiting ||
      state.waiters.length >= waitingShare(maxWaiting, competing, originLimit)
    )
      return Promise.resolve(false);
    return this.wait(state, true);
  }

  /** Takes an origin slot and a global slot only if both are free now; never waits. */
  tryEnter(origin: string, nowMs: number): boolean {
    if (this.running >= this.options.globalLimit) return false;
    let state = this.origins.get(origin);
    if (state && (state.inFlight >= this.options.originLimit || state.waiters.length > 0)) return false;
    if (!state) {
      state = { inFlight: 0, waiters: [], lastReleaseMs: nowMs };
      this.origins.set(origin, state);
    }
    state.inFlight++;
    this.running++;
    return true;
  }

  get globalSlotFree(): boolean {
    return this.running < this.options.globalLimit && this.globalWaiters.size === 0;
  }

  get originLimit(): number {
    return this.options.originLimit;
  }

  /**
   * Resolves once a global slot is free. Waiters are served round-robin between organizations,
   * so one organization with many busy endpoints cannot queue in front of everyone else.
   */
  acquire(organizationId: string): Promise<void> {
    if (this.running < this.options.globalLimit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.globalWaiters.push(organizationId, resolve));
  }

  /** Gives back the slots of a finished request; a message waiting for the same origin takes its slot over. */
  leave(origin: string, holdsGlobal: boolean, nowMs: number): void {
    const state = this.origins.get(origin);
    if (state) {
      state.lastReleaseMs = nowMs;
      const next = state.waiters[0];
      if (next) {
        this.dropWaiter(state, next);
        if (next.timer) clearTimeout(next.timer);
        next.resolve(true);
      } else if (--state.inFlight === 0) this.origins.delete(origin);
    }
    if (!holdsGlobal) return;
    const nextGlobal = this.globalWaiters.shift();
    if (nextGlobal) nextGlobal.item();
    else this.running--;
  }

  private wait(state: OriginState, bounded: boolean): Promise<boolean> {
    const { maxWaitMs } = this.options;
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve };
      // The wait lasts while the origin keeps answering: it ends once it has been silent for maxWaitMs.
      const check = (): void => {
        const silentMs = Date.now() - state.lastReleaseMs;
        if (silentMs < maxWaitMs) {
          waiter.timer = setTimeout(check, maxWaitMs - silentMs);
          return;
        }
        this.dropWaiter(state, waiter);
        resolve(false);
      };
      if (bounded) waiter.timer = setTimeout(check, maxWaitMs);
      if (state.waiters.length === 0) this.originsWaiting++;
      state.waiters.push(waiter);
      this.waiting++;
    });
  }

  private dropWaiter(state: OriginState, waiter: Waiter): void {
    const index = state.waiters.indexOf(waiter);
    if (index < 0) return;
    state.waiters.splice(index, 1);
    this.waiting--;
    if (state.waiters.length === 0) this.originsWaiting--;
  }
}
