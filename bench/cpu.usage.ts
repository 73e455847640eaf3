import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds: the whole machine (busy), and the bench's own process tree (servers, services, receiver). */
interface Snapshot {
  atMs: number;
  machineBusy: number;
  bench: number;
}

export interface PhaseCpu {
  /** Cores kept busy on average during the phase, by everything / by the bench's processes / by other work. */
  machineCores: number;
  benchCores: number;
  otherCores: number;
}

const TICKS_PER_SECOND = 100;

function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

interface ProcStat {
  ppid: number;
  /** Own time plus that of its reaped children: a stopped service's time stays counted in its parent. */
  ticks: number;
}

function readProcStat(pid: string): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name, which may itself hold spaces.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const num = (field: number): number => Number(rest[field - 3]);
    return { ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
  } catch {
    return undefined;
  }
}

function benchSeconds(): number {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry);
    if (stat) stats.set(Number(entry), stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  let ticks = 0;
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

function snapshot(): Snapshot {
  return { atMs: Date.now(), machineBusy: machineBusySeconds(), bench: benchSeconds() };
}

/**
 * Starts watching; the returned function tells how the machine's cores were used since. Other
 * work on a shared machine shows as `otherCores` (Linux /proc; zeros elsewhere).
 */
export function watchCpu(): () => PhaseCpu {
  let start: Snapshot;
  try {
    start = snapshot();
  } catch {
    return () => ({ machineCores: 0, benchCores: 0, otherCores: 0 });
  }
  return () => {
    const end = snapshot();
    const seconds = (end.atMs - start.atMs) / 1000;
    const round = (value: number): number => Math.round((value / seconds) * 100) / 100;
    const machine = end.machineBusy - start.machineBusy;
    const bench = end.bench - start.bench;
    return {
      machineCores: round(machine),
      benchCores: round(bench),
      otherCores: round(Math.max(0, machine - bench)),
    };
  };
}
