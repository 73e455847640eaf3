/**
 * FIFO per key, keys served in turn: the next item comes from the key after the last one served.
 * A key may be passed over while it is not eligible (it has its share of work running); it keeps
 * its items and its order, and is served again once it is eligible.
 */
export class FairQueue<T> {
  private readonly queues = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string, item: T): void {
    this.count++;
    const queue = this.queues.get(key);
    if (queue) queue.push(item);
    else this.queues.set(key, [item]);
  }

  /** Every item, key by key (for upkeep such as keep-alives; the order is not the serving order). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const queue of this.queues.values()) yield* queue;
  }

  /**
   * The head of the oldest waiting key that is eligible; that key moves to the back of the turn.
   * Undefined when nothing waits or no waiting key is eligible. Passed-over keys keep their place.
   */
  shift(eligible?: (key: string) => boolean): { key: string; item: T } | undefined {
    for (const [key, queue] of this.queues) {
      if (eligible && !eligible(key)) continue;
      const item = queue.shift()!;
      this.count--;
      // Re-inserting moves the key to the end of the Map's order: the next shift serves another key.
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      return { key, item };
    }
    return undefined;
  }
}

/**
 * Which waiting key starts next: keys with fewer than `perKey` handlers busy are served in turn;
 * a key at its share waits while others are served, unless the look-ahead is full, so that it
 * never stalls the pull behind it (a soft share, not a hard limit).
 */
export function takeFairly<T>(
  queue: FairQueue<T>,
  busy: (key: string) => number,
  perKey: number,
  lookAheadFull: boolean,
): { key: string; item: T } | undefined {
  const taken = queue.shift((key) => busy(key) < perKey);
  return taken ?? (lookAheadFull ? queue.shift() : undefined);
}
