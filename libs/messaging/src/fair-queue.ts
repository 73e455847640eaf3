/**
 * FIFO of one key. `Array.prototype.shift` copies the whole array once it is large (65 µs a shift
 * at 50,000 items on Node 20), and one organization's backlog can be most of the look-ahead: this
 * takes from a head index and compacts now and then, O(1) amortized.
 */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1_024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}

/**
 * FIFO per key, keys served in turn: the next item comes from the key after the last one served.
 * A key may be passed over while it is not eligible (it has its share of work running); it keeps
 * its items and its order, and is served again once it is eligible.
 */
export class FairQueue<T> {
  private readonly queues = new Map<string, Fifo<T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string, item: T): void {
    this.count++;
    const queue = this.queues.get(key);
    if (queue) queue.push(item);
    else {
      const fresh = new Fifo<T>();
      fresh.push(item);
      this.queues.set(key, fresh);
    }
  }

  /** Every item, key by key (the order is not the serving order). */
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
      const item = queue.shift();
      this.count--;
      // Re-inserting moves the key to the end of the Map's order: the next shift serves another key.
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      return { key, item };
    }
    return undefined;
  }
}

export function takeFairly<T>(
  queue: FairQueue<T>,
  busy: (key: string) => number,
  perKey: number,
  lookAheadFull: boolean,
): { key: string; item: T } | undefined {
  const taken = queue.shift((key) => busy(key) < perKey);
  return taken ?? (lookAheadFull ? queue.shift() : undefined);
}
