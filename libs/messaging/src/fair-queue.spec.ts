import { FairQueue, takeFairly } from './fair-queue';

const drain = (queue: FairQueue<string>, eligible?: (key: string) => boolean): string[] => {
  const out: string[] = [];
  for (let next = queue.shift(eligible); next !== undefined; next = queue.shift(eligible))
    out.push(next.item);
  return out;
};

describe('FairQueue', () => {
  it('keeps each key in order and takes the keys in turn', () => {
    const queue = new FairQueue<string>();
    for (const item of ['a1', 'a2', 'a3']) queue.push('a', item);
    queue.push('b', 'b1');
    queue.push('c', 'c1');
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
    expect(queue.size).toBe(0);
  });

  it('passes over a key that is not eligible, which keeps its items in order', () => {
    const queue = new FairQueue<string>();
    for (const item of ['a1', 'a2']) queue.push('a', item);
    for (const item of ['b1', 'b2']) queue.push('b', item);
    expect(drain(queue, (key) => key !== 'a')).toEqual(['b1', 'b2']);
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(['a1', 'a2']);
  });

  it('keeps a large backlog in order while it is taken from and added to, and lists what waits', () => {
    const queue = new FairQueue<string>();
    const taken: string[] = [];
    let pushed = 0;
    for (; pushed < 5_000; pushed++) queue.push('a', `a${pushed}`);
    // Taking and adding in turns crosses the queue's compaction points many times.
    for (let round = 0; round < 3_000; round++) {
      taken.push(queue.shift()!.item, queue.shift()!.item);
      queue.push('a', `a${pushed++}`);
    }
    expect([...queue]).toEqual(Array.from({ length: queue.size }, (_, i) => `a${6_000 + i}`));
    taken.push(...drain(queue));
    expect(taken).toEqual(Array.from({ length: pushed }, (_, i) => `a${i}`));
    expect(queue.size).toBe(0);
  });
});

describe('takeFairly', () => {
  const queueOf = (entries: Array<[string, string]>): FairQueue<string> => {
    const queue = new FairQueue<string>();
    for (const [key, item] of entries) queue.push(key, item);
    return queue;
  };

  it('serves a key below its share before one that has its share running', () => {
    const queue = queueOf([
      ['a', 'a1'],
      ['a', 'a2'],
      ['b', 'b1'],
    ]);
    const inFlight = new Map([['a', 32]]);
    expect(takeFairly(queue, (key) => inFlight.get(key) ?? 0, 32, false)?.item).toBe('b1');
  });

  it('holds a key at its share while the look-ahead has room, so its work waits rather than crowds', () => {
    const queue = queueOf([['a', 'a1']]);
    expect(takeFairly(queue, () => 32, 32, false)).toBeUndefined();
    expect(queue.size).toBe(1);
  });

  it('lets a key past its share when the look-ahead is full, so the pull behind it never stalls', () => {
    const queue = queueOf([
      ['a', 'a1'],
      ['a', 'a2'],
    ]);
    expect(takeFairly(queue, () => 40, 32, true)).toEqual({ key: 'a', item: 'a1' });
  });

  it('counts a key with nothing running as below its share', () => {
    const queue = queueOf([['c', 'c1']]);
    expect(takeFairly(queue, () => 0, 1, false)?.item).toBe('c1');
  });
});
