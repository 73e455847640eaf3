import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { freePort, recentOutput, spawnManaged, stopProcess, waitFor } from '@hookstream/testing';

export type ServiceName = 'subscriptions' | 'dispatcher' | 'log-projector';

/** The repository root: the nearest folder above this file whose package.json is Hookstream's. */
export function repoRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hookstream'
    )
      return dir;
  }
  throw new Error(`no Hookstream package.json above ${from}`);
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

/**
 * Spawns a built service (dist/apps/<name>/src/main.js) with free ports, like the test harness,
 * with room for Node flags (--cpu-prof) and the pid exposed for RSS sampling.
 */
export async function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<ServiceProcess> {
  const root = repoRoot();
  const entry = join(root, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const fullEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(grpcPort),
    ...env,
  };
  const spawnedAt = Date.now();
  const child: ChildProcess = spawnManaged(process.execPath, [...nodeFlags, entry], {
    env: fullEnv,
    cwd: root,
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  return {
    name,
    httpUrl,
    pid: child.pid,
    spawnedAt,
    waitReady: (timeoutMs = 60_000) =>
      waitFor(
        `${name} ready`,
        async () => {
          if (child.exitCode !== null)
            throw new Error(`${name} exited with ${child.exitCode}:\n${recentOutput(child)}`);
          try {
            const res = await request(`${httpUrl}/health/ready`);
            await res.body.dump();
            return res.statusCode === 200;
          } catch {
            return false;
          }
        },
        timeoutMs,
      ),
    stop: () => stopProcess(child, 'SIGTERM', 40_000),
    output: () => recentOutput(child),
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
