/**
 * Bounds requests in flight: per origin (one endpoint never holds more than its share of
 * connections) and overall. A saturated origin is refused at once, so its message goes back to
 * the stream instead of waiting in a slot another endpoint could use; the global bound waits,
 * which is plain backpressure on pulling.
 */
export class EndpointGate {
  private readonly perOrigin = new Map<string, number>();
  private running = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly originLimit: number,
    private readonly globalLimit: number,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  inFlightTo(origin: string): number {
    return this.perOrigin.get(origin) ?? 0;
  }

  /** Takes an origin slot, or returns false at once when the origin is saturated. */
  tryEnter(origin: string): boolean {
    const current = this.perOrigin.get(origin) ?? 0;
    if (current >= this.originLimit) return false;
    this.perOrigin.set(origin, current + 1);
    return true;
  }

  /** Resolves once a global slot is free (taken in arrival order). */
  acquire(): Promise<void> {
    if (this.running < this.globalLimit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives back both slots of a finished request. */
  leave(origin: string, holdsGlobal: boolean): void {
    const current = this.perOrigin.get(origin) ?? 0;
    if (current <= 1) this.perOrigin.delete(origin);
    else this.perOrigin.set(origin, current - 1);
    if (!holdsGlobal) return;
    const next = this.waiters.shift();
    if (next) next();
    else this.running--;
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
