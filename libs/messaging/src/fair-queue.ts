/** FIFO per key, keys served in turn: the next item comes from the key after the last one served. */
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

  /** The head of the oldest waiting key; that key moves to the back of the turn. */
  shift(): T | undefined {
    const first = this.queues.entries().next();
    if (first.done) return undefined;
    const [key, queue] = first.value;
    const item = queue.shift();
    this.count--;
    // Re-inserting moves the key to the end of the Map's order: the next shift serves another key.
    this.queues.delete(key);
    if (queue.length > 0) this.queues.set(key, queue);
    return item;
  }
}
