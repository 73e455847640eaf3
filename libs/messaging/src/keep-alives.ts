/**
 * Messages waiting in a consumer's look-ahead, least recently touched first. Each is due to be
 * told to the server as being worked on (`working()`, so that it is not redelivered) once it has
 * waited `afterMs` since it arrived or was last touched. `touchDue` walks from the least recently
 * touched and stops at the first that is not due, or after `max`: a look-ahead of tens of
 * thousands of messages costs the event loop a little at every tick, never a long turn that
 * touches them all at once and holds every other message behind it.
 */
export class KeepAlives<T> {
  /** Item → when it was last touched; a Map iterates in insertion order. */
  private readonly touched = new Map<T, number>();

  constructor(
    private readonly afterMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.touched.size;
  }

  add(item: T): void {
    this.touched.set(item, this.now());
  }

  delete(item: T): void {
    this.touched.delete(item);
  }

  /** Touches up to `max` due items, least recently touched first; how many it touched. */
  touchDue(touch: (item: T) => void, max: number): number {
    const now = this.now();
    let count = 0;
    for (const [item, at] of this.touched) {
      if (count >= max || now - at < this.afterMs) break;
      // Deleting and setting again moves the item to the end: the order stays by touch time.
      this.touched.delete(item);
      this.touched.set(item, now);
      touch(item);
      count++;
    }
    return count;
  }

  /**
   * How many to touch at each tick of `tickMs` to keep up with `size` items due every `afterMs`:
   * twice the steady rate, so that a burst of arrivals is caught up within half the period.
   */
  budget(tickMs: number): number {
    return Math.max(64, Math.ceil((2 * this.touched.size * tickMs) / this.afterMs));
  }
}
