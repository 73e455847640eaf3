/**
 * How long work started from one turn of the event loop has been running. A loop that starts
 * handlers one after another (each decodes, validates and renders before its first await) runs
 * them all in one turn unless it yields: meanwhile no socket is read, so a burst of one key's
 * messages delays every other key's by the whole burst. `overdue()` says when to yield
 * (`await yieldTurn()`), which lets sockets, timers and the batched sends of the turn go first.
 */
export class TurnSlice {
  private startedAt = 0;
  private open = false;

  constructor(
    private readonly maxMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly onNextTurn: (close: () => void) => void = (close) => setImmediate(close),
  ) {}

  /** True once this turn has run longer than maxMs since the first call in it. */
  overdue(): boolean {
    const now = this.now();
    if (!this.open) {
      this.open = true;
      this.startedAt = now;
      this.onNextTurn(() => (this.open = false));
      return false;
    }
    return now - this.startedAt > this.maxMs;
  }
}

/** Resolves on a later turn, after the I/O that is ready now. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
