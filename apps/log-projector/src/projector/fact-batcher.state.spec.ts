import { Batcher } from './fact-batcher.state';

describe('Batcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function recording(maxItems: number, maxDelayMs: number) {
    const written: number[][] = [];
    let release: (() => void) | undefined;
    let hold = false;
    const batcher = new Batcher<number>({
      maxItems,
      maxDelayMs,
      write: async (items) => {
        if (hold) await new Promise<void>((resolve) => (release = resolve));
        written.push(items);
      },
    });
    return { batcher, written, holdWrites: () => (hold = true), release: () => release?.() };
  }

  it('writes a batch as soon as it is full', async () => {
    const { batcher, written } = recording(3, 1000);
    for (const n of [1, 2, 3, 4]) await batcher.push(n);
    expect(written).toEqual([[1, 2, 3]]);
  });

  it('writes what arrived once the first item has waited the delay', async () => {
    const { batcher, written } = recording(100, 20);
    await batcher.push(1);
    await batcher.push(2);
    expect(written).toEqual([]);
    await jest.advanceTimersByTimeAsync(20);
    expect(written).toEqual([[1, 2]]);
    await batcher.push(3);
    await jest.advanceTimersByTimeAsync(20);
    expect(written).toEqual([[1, 2], [3]]);
  });

  it('holds the reader while a full batch waits for the previous write', async () => {
    const { batcher, written, holdWrites, release } = recording(2, 1000);
    holdWrites();
    await batcher.push(1);
    const full = batcher.push(2);
    let returned = false;
    void full.then(() => (returned = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(returned).toBe(false);
    release();
    await full;
    expect(written).toEqual([[1, 2]]);
  });

  it('keeps batches in order and flushes the rest on demand', async () => {
    const { batcher, written } = recording(2, 1000);
    for (const n of [1, 2, 3, 4, 5]) await batcher.push(n);
    await batcher.flush();
    expect(written).toEqual([[1, 2], [3, 4], [5]]);
    expect(batcher.pending).toBe(0);
  });
});
