import type { JsMsg } from '@nats-io/jetstream';

export interface InFlight {
  readonly msg: JsMsg;
  lastTouched: number;
  /** Set when stop() gave up waiting and handed the message back: the late outcome is dropped. */
  abandoned: boolean;
}

/**
 * Bounds the handlers running at once and keeps their messages alive: one shared interval tells
 * the server "still working" for every handler running longer than a third of the ack wait, so a
 * slow handler is never redelivered to another replica behind its back.
 */
export class HandlerSlots {
  private readonly running = new Set<InFlight>();
  private waiters: Array<(granted: boolean) => void> = [];
  private idleWaiters: Array<() => void> = [];
  private taken = 0;
  private closed = false;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly capacity: number,
    private readonly workingAfterMs: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`concurrency must be a positive integer`);
    this.ticker = setInterval(() => this.keepAlive(), Math.max(20, Math.floor(workingAfterMs / 2)));
    this.ticker.unref();
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves true when a slot is free, false once closed. */
  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.taken < this.capacity) {
      this.taken++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives back a slot that was acquired but not used. */
  release(): void {
    const next = this.closed ? undefined : this.waiters.shift();
    if (next) next(true);
    else this.taken--;
  }

  track(msg: JsMsg): InFlight {
    const entry: InFlight = { msg, lastTouched: Date.now(), abandoned: false };
    this.running.add(entry);
    return entry;
  }

  touch(entry: InFlight): void {
    if (entry.abandoned) return;
    entry.lastTouched = Date.now();
    entry.msg.working();
  }

  finish(entry: InFlight): void {
    this.running.delete(entry);
    this.release();
    if (this.running.size === 0) this.notifyIdle();
  }

  /** No more slots are handed out; waiting acquirers get false. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }

  /** Waits up to graceMs for running handlers; returns those still running. */
  async drain(graceMs: number): Promise<InFlight[]> {
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    return [...this.running];
  }

  dispose(): void {
    clearInterval(this.ticker);
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private keepAlive(): void {
    const now = Date.now();
    for (const entry of this.running) {
      if (entry.abandoned || now - entry.lastTouched < this.workingAfterMs) continue;
      entry.lastTouched = now;
      try {
        entry.msg.working();
      } catch {
        // Connection closed: the message is redelivered after ack wait, which is the best left to do.
      }
    }
  }
}
