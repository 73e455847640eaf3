/**
 * Tells when a pull consumer has gone silent: nothing heard from the server (a heartbeat, a pull,
 * a message) for `stallMs` while the connection is up and no handler is busy. A busy handler
 * holds back the pulls queued behind its message, so its time is not silence; neither is a
 * disconnect, which the client's reconnect covers.
 */
export class SilenceWatchdog {
  private lastHeardAt: number;
  private connected = true;
  private busy = false;

  constructor(
    private readonly stallMs: number,
    now: number,
  ) {
    this.lastHeardAt = now;
  }

  heard(now: number): void {
    this.lastHeardAt = now;
  }

  handling(busy: boolean, now: number): void {
    this.busy = busy;
    this.lastHeardAt = now;
  }

  disconnected(): void {
    this.connected = false;
  }

  /** The client resumes its pulls after a reconnect: it has a full `stallMs` to be heard again. */
  reconnected(now: number): void {
    this.connected = true;
    this.lastHeardAt = now;
  }

  stalled(now: number): boolean {
    return this.connected && !this.busy && now - this.lastHeardAt > this.stallMs;
  }
}
