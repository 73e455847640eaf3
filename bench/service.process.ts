import { readFileSync } from 'node:fs';
import { REPO_ROOT, startService, type ServiceName } from '@hookstream/testing';

export type { ServiceName };

/** The repository root (the test harness finds it from sources and from dist/ alike). */
export function repoRoot(): string {
  return REPO_ROOT;
}

export interface ServiceProcess {
  readonly name: ServiceName;
  readonly httpUrl: string;
  readonly pid: number | undefined;
  /** When the process was spawned (epoch ms). */
  readonly spawnedAt: number;
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait: a graceful shutdown, which also writes a CPU profile when one is being taken. */
  stop(): Promise<void>;
  output(): string;
}

/** A built service on free ports (the test harness's spawner), with Node flags such as --cpu-prof. */
export async function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<ServiceProcess> {
  const spawnedAt = Date.now();
  const service = await startService(name, { LOG_LEVEL: 'warn', ...env }, { waitReady: false, nodeFlags });
  return {
    name,
    httpUrl: service.httpUrl,
    pid: service.process.pid,
    spawnedAt,
    waitReady: (timeoutMs) => service.waitReady(timeoutMs),
    stop: () => service.stop(),
    output: () => service.output(),
  };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
