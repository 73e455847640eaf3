import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcTable, TICKS_PER_SECOND, type ProcStat } from './cpu.usage';

/** The platform's processes: each pid stands for its whole process tree. */
export type PlatformRoots = ReadonlyArray<{ role: string; pid: number | undefined }>;

/** CPU ticks of each root's tree at one moment. */
export interface PlatformCpuSnapshot {
  atMs: number;
  trees: Map<number, { role: string; ticks: number }>;
}

/** CPU seconds spent between two snapshots, in all and by role. */
export interface PlatformCpuSpent {
  seconds: number;
  byRole: Record<string, number>;
}

/**
 * Ticks of a process tree: the root's own, its reaped children's (a Postgres backend that has
 * ended is counted in its postmaster, which waits for it), and every live descendant's tree.
 */
export function treeTicks(root: number, stats: ReadonlyMap<number, ProcStat>): number {
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  let ticks = 0;
  const seen = new Set<number>();
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const stat = stats.get(pid);
    if (!stat || seen.has(pid)) continue;
    seen.add(pid);
    ticks += stat.own + stat.children;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

export function cpuSnapshotOf(
  roots: PlatformRoots,
  stats: ReadonlyMap<number, ProcStat>,
  atMs: number,
): PlatformCpuSnapshot {
  const trees = new Map<number, { role: string; ticks: number }>();
  for (const { role, pid } of roots)
    if (pid !== undefined && stats.has(pid)) trees.set(pid, { role, ticks: treeTicks(pid, stats) });
  return { atMs, trees };
}

/**
 * What the trees alive at the end spent since the start; a tree that began meanwhile (a
 * dispatcher spawned in the window) counts from zero. A tree that ended meanwhile is not counted:
 * no window of the bench stops a platform process.
 */
export function cpuSpent(start: PlatformCpuSnapshot, end: PlatformCpuSnapshot): PlatformCpuSpent {
  const byRole: Record<string, number> = {};
  let ticks = 0;
  for (const [pid, { role, ticks: atEnd }] of end.trees) {
    const spent = atEnd - (start.trees.get(pid)?.ticks ?? 0);
    ticks += spent;
    byRole[role] = (byRole[role] ?? 0) + spent / TICKS_PER_SECOND;
  }
  return { seconds: ticks / TICKS_PER_SECOND, byRole };
}

/** Two spans added up (a drain's ingest and its deliveries). */
export function addCpu(a: PlatformCpuSpent, b: PlatformCpuSpent): PlatformCpuSpent {
  const byRole = { ...a.byRole };
  for (const [role, seconds] of Object.entries(b.byRole)) byRole[role] = (byRole[role] ?? 0) + seconds;
  return { seconds: a.seconds + b.seconds, byRole };
}

/** The postmaster's pid, from the first line of postmaster.pid in the data directory. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The platform's trees now (Linux /proc; empty elsewhere). */
export function snapshotPlatformCpu(roots: PlatformRoots): PlatformCpuSnapshot {
  try {
    return cpuSnapshotOf(roots, readProcTable(), Date.now());
  } catch {
    return { atMs: Date.now(), trees: new Map() };
  }
}
