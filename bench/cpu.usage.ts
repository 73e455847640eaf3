import { readdirSync, readFileSync } from 'node:fs';

export interface PhaseCpu {
  /** Cores kept busy on average: by everything, by the bench's process tree, by other work. */
  machineCores: number;
  benchCores: number;
  otherCores: number;
  /** The bench's cores by role: nats-server, postgres, each service, receiver, bench (producer). */
  byRole: Record<string, number>;
}

export interface ProcStat {
  ppid: number;
  /** Own CPU ticks. */
  own: number;
  /** Ticks of its reaped children: a stopped service's time stays counted in its parent. */
  children: number;
}

interface Snapshot {
  atMs: number;
  machineBusy: number;
  /** Own and reaped-children ticks of the whole tree. */
  tree: number;
  /** Own ticks per live process of the tree, with its role. */
  processes: Map<number, { role: string; own: number }>;
}

export const TICKS_PER_SECOND = 100;

function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name, which may itself hold spaces.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const num = (field: number): number => Number(rest[field - 3]);
    return { ppid: num(4), own: num(14) + num(15), children: num(16) + num(17) };
  } catch {
    return undefined;
  }
}

const ROLES: Array<[RegExp, string]> = [
  [/nats-server/, 'nats-server'],
  [/^postgres|\/postgres\0/, 'postgres'],
  [/apps\/dispatcher\//, 'dispatcher'],
  [/apps\/log-projector\//, 'log-projector'],
  [/apps\/subscriptions\//, 'subscriptions'],
  [/receiver\.server/, 'receiver'],
];

function roleOf(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return ROLES.find(([pattern]) => pattern.test(cmdline))?.[1] ?? 'bench';
  } catch {
    return 'bench';
  }
}

/** Every process of the machine, by pid (Linux /proc). */
export function readProcTable(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  return stats;
}

function snapshot(): Snapshot {
  const stats = readProcTable();
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  let tree = 0;
  const processes = new Map<number, { role: string; own: number }>();
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const stat = stats.get(pid);
    if (stat) {
      tree += stat.own + stat.children;
      processes.set(pid, { role: roleOf(pid), own: stat.own });
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return { atMs: Date.now(), machineBusy: machineBusyTicks(), tree, processes };
}

/**
 * Starts watching; the returned function tells how the machine's cores were used since (Linux
 * /proc; zeros elsewhere). Per role, processes that ended meanwhile are not counted: start the
 * watch once the processes of interest run.
 */
export function watchCpu(): () => PhaseCpu {
  let start: Snapshot;
  try {
    start = snapshot();
  } catch {
    return () => ({ machineCores: 0, benchCores: 0, otherCores: 0, byRole: {} });
  }
  return () => {
    const end = snapshot();
    const cores = (ticks: number): number =>
      Math.round((ticks / TICKS_PER_SECOND / ((end.atMs - start.atMs) / 1000)) * 100) / 100;
    const machine = end.machineBusy - start.machineBusy;
    const bench = end.tree - start.tree;
    const byRole: Record<string, number> = {};
    for (const [pid, { role, own }] of end.processes)
      byRole[role] = (byRole[role] ?? 0) + own - (start.processes.get(pid)?.own ?? 0);
    return {
      machineCores: cores(machine),
      benchCores: cores(bench),
      otherCores: cores(Math.max(0, machine - bench)),
      byRole: Object.fromEntries(Object.entries(byRole).map(([role, ticks]) => [role, cores(ticks)])),
    };
  };
}
