/** A running handler, as YoungHandlers tracks it. */
export interface Started {
  readonly startedAt: number;
  done: boolean;
}

/**
 * The handlers of each key that started within the last `windowMs` and still run. A key's share
 * (ConsumerSpec.fairness.perKey) counts these only: a handler running longer waits on I/O (a
 * request to a hanging endpoint, say) and crowds nobody's event loop, so it must not hold its
 * key's share, or one hanging endpoint would stall its organization's other events.
 */
export class YoungHandlers {
  private readonly started = new Map<string, Started[]>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(key: string): Started {
    const entry: Started = { startedAt: this.now(), done: false };
    const list = this.started.get(key);
    if (list) list.push(entry);
    else this.started.set(key, [entry]);
    return entry;
  }

  finish(key: string, entry: Started): void {
    entry.done = true;
    this.trim(key, this.now());
  }

  /** Running handlers of the key younger than the window. */
  count(key: string): number {
    const now = this.now();
    const list = this.trim(key, now);
    if (!list) return 0;
    let young = 0;
    for (let i = list.length - 1; i >= 0 && now - list[i]!.startedAt < this.windowMs; i--)
      if (!list[i]!.done) young++;
    return young;
  }

  private trim(key: string, now: number): Started[] | undefined {
    const list = this.started.get(key);
    if (!list) return undefined;
    let drop = 0;
    while (drop < list.length && (list[drop]!.done || now - list[drop]!.startedAt >= this.windowMs)) drop++;
    if (drop === list.length) {
      this.started.delete(key);
      return undefined;
    }
    if (drop > 0) list.splice(0, drop);
    return list;
  }
}
