import { KeepAlives } from './keep-alives';

describe('KeepAlives', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('touches only the items that have waited the period since they arrived or were touched', () => {
    const { now, advance } = clock();
    const alive = new KeepAlives<string>(1_000, now);
    alive.add('a');
    advance(400);
    alive.add('b');
    const touched: string[] = [];
    const touch = (item: string) => touched.push(item);
    advance(599);
    expect(alive.touchDue(touch, 100)).toBe(0);
    advance(1);
    expect(alive.touchDue(touch, 100)).toBe(1);
    expect(touched).toEqual(['a']);
    advance(400);
    // b is due now; a was touched 400 ms ago and is not.
    expect(alive.touchDue(touch, 100)).toBe(1);
    expect(touched).toEqual(['a', 'b']);
    advance(600);
    expect(alive.touchDue(touch, 100)).toBe(1);
    expect(touched).toEqual(['a', 'b', 'a']);
  });

  it('touches at most max at a time, least recently touched first, and the rest at the next call', () => {
    const { now, advance } = clock();
    const alive = new KeepAlives<number>(1_000, now);
    for (let i = 0; i < 10; i++) alive.add(i);
    advance(1_000);
    const touched: number[] = [];
    expect(alive.touchDue((item) => touched.push(item), 4)).toBe(4);
    expect(alive.touchDue((item) => touched.push(item), 4)).toBe(4);
    expect(alive.touchDue((item) => touched.push(item), 4)).toBe(2);
    expect(touched).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(alive.touchDue((item) => touched.push(item), 4)).toBe(0);
  });

  it('never touches an item once it has left the look-ahead', () => {
    const { now, advance } = clock();
    const alive = new KeepAlives<string>(1_000, now);
    alive.add('started');
    alive.add('waiting');
    alive.delete('started');
    advance(1_000);
    const touched: string[] = [];
    alive.touchDue((item) => touched.push(item), 100);
    expect(touched).toEqual(['waiting']);
    expect(alive.size).toBe(1);
  });

  it('budgets twice the steady rate per tick, and never less than a floor', () => {
    const alive = new KeepAlives<number>(10_000);
    expect(alive.budget(50)).toBe(64);
    for (let i = 0; i < 65_536; i++) alive.add(i);
    // 65,536 due every 10 s is 6,554/s: 328 per 50 ms tick at the steady rate.
    expect(alive.budget(50)).toBe(656);
  });
});
