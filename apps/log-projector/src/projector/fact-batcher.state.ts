export interface BatcherOptions<T> {
  maxItems: number;
  maxDelayMs: number;
  /** Writes one batch; batches are written one at a time, in order. */
  write(items: T[]): Promise<void>;
}

/**
 * Groups items into batches of at most `maxItems`, or whatever arrived within `maxDelayMs` of
 * the first. `push` waits while a full batch is being written, so a slow database slows the
 * reader down instead of filling memory.
 */
export class Batcher<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: BatcherOptions<T>) {}

  async push(item: T): Promise<void> {
    this.buffer.push(item);
    if (this.buffer.length >= this.options.maxItems) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.options.maxDelayMs);
  }

  /** Writes what is buffered; resolves when every batch handed over so far is written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.buffer;
    this.buffer = [];
    if (items.length > 0) this.writing = this.writing.then(() => this.options.write(items));
    return this.writing;
  }

  get pending(): number {
    return this.buffer.length;
  }
}
