import type { ProcStat } from './cpu.usage';
import { addCpu, cpuSnapshotOf, cpuSpent, treeTicks } from './platform.cpu';

const table = (entries: Array<[number, ProcStat]>) => new Map(entries);

describe('treeTicks', () => {
  it("counts a postmaster, its ended backends (reaped children) and its live ones' trees", () => {
    const stats = table([
      [1, { ppid: 0, own: 5, children: 0 }],
      [100, { ppid: 1, own: 10, children: 30 }],
      [101, { ppid: 100, own: 7, children: 0 }],
      [102, { ppid: 100, own: 3, children: 0 }],
      [103, { ppid: 102, own: 1, children: 0 }],
      [200, { ppid: 1, own: 50, children: 0 }],
    ]);
    expect(treeTicks(100, stats)).toBe(10 + 30 + 7 + 3 + 1);
  });

  it('is zero for a process that is gone', () => {
    expect(treeTicks(42, table([]))).toBe(0);
  });
});

describe('cpuSpent', () => {
  it('adds each tree, a tree started in the window from zero, by role', () => {
    const start = cpuSnapshotOf(
      [
        { role: 'postgres', pid: 100 },
        { role: 'dispatcher', pid: 300 },
      ],
      table([[100, { ppid: 1, own: 100, children: 0 }]]),
      0,
    );
    const end = cpuSnapshotOf(
      [
        { role: 'postgres', pid: 100 },
        { role: 'dispatcher', pid: 300 },
        { role: 'nats-server', pid: undefined },
      ],
      table([
        [100, { ppid: 1, own: 120, children: 30 }],
        [300, { ppid: 1, own: 250, children: 0 }],
      ]),
      10_000,
    );
    expect(cpuSpent(start, end)).toEqual({ seconds: 3, byRole: { postgres: 0.5, dispatcher: 2.5 } });
  });

  it('adds two spans role by role', () => {
    const a = { seconds: 1, byRole: { postgres: 1 } };
    const b = { seconds: 2, byRole: { postgres: 0.5, dispatcher: 1.5 } };
    expect(addCpu(a, b)).toEqual({ seconds: 3, byRole: { postgres: 1.5, dispatcher: 1.5 } });
  });
});
