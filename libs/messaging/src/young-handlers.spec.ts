import { YoungHandlers } from './young-handlers';

describe('YoungHandlers', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('counts the running handlers of a key started within the window', () => {
    const { now, advance } = clock();
    const young = new YoungHandlers(250, now);
    const first = young.start('a');
    young.start('a');
    young.start('b');
    expect(young.count('a')).toBe(2);
    young.finish('a', first);
    expect(young.count('a')).toBe(1);
    expect(young.count('b')).toBe(1);
    expect(young.count('c')).toBe(0);
    advance(100);
    young.start('a');
    expect(young.count('a')).toBe(2);
  });

  it('stops counting a handler that has run past the window (it waits on I/O)', () => {
    const { now, advance } = clock();
    const young = new YoungHandlers(250, now);
    const hanging = young.start('a');
    advance(200);
    young.start('a');
    advance(60);
    expect(young.count('a')).toBe(1);
    young.finish('a', hanging);
    advance(300);
    expect(young.count('a')).toBe(0);
  });

  it('forgets a key once nothing of it is young', () => {
    const { now, advance } = clock();
    const young = new YoungHandlers(10, now);
    const entry = young.start('a');
    advance(20);
    young.finish('a', entry);
    expect(young.count('a')).toBe(0);
    expect((young as unknown as { started: Map<string, unknown> }).started.size).toBe(0);
  });
});
