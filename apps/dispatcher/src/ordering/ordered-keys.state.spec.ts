import { OrderedKeys } from './ordered-keys.state';

describe('OrderedKeys', () => {
  it('makes only the lowest sequence of each key its head, keys independent of each other', () => {
    const keys = new OrderedKeys();
    for (const [seq, key] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'a'],
      [4, 'c'],
      [5, 'b'],
    ] as const)
      keys.add(seq, key);
    expect([1, 2, 3, 4, 5].filter((seq) => keys.isHead(seq))).toEqual([1, 2, 4]);
    expect(keys.keyCount).toBe(3);
  });

  it('keeps a head in place until it finishes, then the next of its key takes over', () => {
    const keys = new OrderedKeys();
    keys.add(10, 'a');
    keys.add(11, 'a');
    keys.add(12, 'a');
    keys.add(13, 'b');
    // The head of "a" failing and waiting for its retry holds back "a" only.
    expect(keys.isHead(11)).toBe(false);
    expect(keys.isHead(13)).toBe(true);
    expect(keys.finish(13)).toBeUndefined();
    expect(keys.isHead(11)).toBe(false);
    expect(keys.finish(10)).toBe(11);
    expect(keys.isHead(11)).toBe(true);
    expect(keys.finish(11)).toBe(12);
    expect(keys.finish(12)).toBeUndefined();
    expect(keys.size).toBe(0);
    expect(keys.keyCount).toBe(0);
  });

  it('puts an entry that arrives late in its place by sequence, ahead of later ones of its key', () => {
    const keys = new OrderedKeys();
    keys.add(7, 'a');
    keys.add(5, 'a');
    keys.add(6, 'a');
    expect(keys.queueOf('a')).toEqual([5, 6, 7]);
    expect(keys.isHead(5)).toBe(true);
    expect(keys.isHead(7)).toBe(false);
  });

  it('refuses an entry it holds already and ignores finishing one it does not hold', () => {
    const keys = new OrderedKeys();
    expect(keys.add(1, 'a')).toBe(true);
    expect(keys.add(1, 'a')).toBe(false);
    expect(keys.finish(99)).toBeUndefined();
    expect(keys.queueOf('a')).toEqual([1]);
  });

  it('finishing an entry behind the head does not change the head', () => {
    const keys = new OrderedKeys();
    keys.add(1, 'a');
    keys.add(2, 'a');
    keys.add(3, 'a');
    expect(keys.finish(2)).toBeUndefined();
    expect(keys.isHead(1)).toBe(true);
    expect(keys.finish(1)).toBe(3);
  });

  it('keys events without a subject together under the empty key', () => {
    const keys = new OrderedKeys();
    keys.add(1, '');
    keys.add(2, '');
    expect(keys.isHead(2)).toBe(false);
    expect(keys.finish(1)).toBe(2);
  });
});
