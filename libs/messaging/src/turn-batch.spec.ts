import { TurnBatch } from './turn-batch';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('runs what was added during a turn at its end, together and in order', async () => {
    const batch = new TurnBatch();
    const ran: string[] = [];
    batch.add(() => ran.push('a'));
    await Promise.resolve();
    batch.add(() => ran.push('b'));
    expect(ran).toEqual([]);
    await nextTurn();
    expect(ran).toEqual(['a', 'b']);
    batch.add(() => ran.push('c'));
    await nextTurn();
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('keeps going past a send that throws, and reports it', async () => {
    const failures: unknown[] = [];
    const batch = new TurnBatch((error) => failures.push(error));
    const ran: string[] = [];
    batch.add(() => {
      throw new Error('socket gone');
    });
    batch.add(() => ran.push('after'));
    await nextTurn();
    expect(ran).toEqual(['after']);
    expect(failures.map((f) => (f as Error).message)).toEqual(['socket gone']);
  });
});
