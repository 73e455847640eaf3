/**
 * The look-ahead of one ordered queue: a FIFO per key, each ordered by stream sequence. Only a
 * key's head (its lowest sequence held) may be attempted; it stays the head through its retries
 * until it finishes (delivered or finally failed), and only then does the next entry of its key
 * become the head. Keys never wait for each other. The consumer's pending limit bounds how many
 * entries are held.
 */
export class OrderedKeys {
  private readonly byKey = new Map<string, number[]>();
  private readonly keyOf = new Map<number, string>();

  get size(): number {
    return this.keyOf.size;
  }

  get keyCount(): number {
    return this.byKey.size;
  }

  /** Holds an entry; false when it is held already (a redelivery of a message still in hand). */
  add(seq: number, key: string): boolean {
    if (this.keyOf.has(seq)) return false;
    this.keyOf.set(seq, key);
    const queue = this.byKey.get(key);
    if (!queue) {
      this.byKey.set(key, [seq]);
      return true;
    }
    // Entries arrive in stream order; a redelivery of an earlier one still goes to its place.
    let at = queue.length;
    while (at > 0 && queue[at - 1]! > seq) at--;
    queue.splice(at, 0, seq);
    return true;
  }

  has(seq: number): boolean {
    return this.keyOf.has(seq);
  }

  isHead(seq: number): boolean {
    const key = this.keyOf.get(seq);
    return key !== undefined && this.byKey.get(key)?.[0] === seq;
  }

  /** Drops a finished entry; returns the sequence that is now the head of its key, if any. */
  finish(seq: number): number | undefined {
    const key = this.keyOf.get(seq);
    if (key === undefined) return undefined;
    this.keyOf.delete(seq);
    const queue = this.byKey.get(key)!;
    const wasHead = queue[0] === seq;
    queue.splice(queue.indexOf(seq), 1);
    if (queue.length === 0) {
      this.byKey.delete(key);
      return undefined;
    }
    return wasHead ? queue[0] : undefined;
  }

  /** Entries held for one key, head first. */
  queueOf(key: string): readonly number[] {
    return this.byKey.get(key) ?? [];
  }
}
