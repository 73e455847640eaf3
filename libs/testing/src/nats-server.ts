import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { canConnect, freePort, waitFor } from './ports';
import { exited, killGroup, recentOutput, spawnManaged, stopProcess } from './process';

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly pid: number | undefined;
  /** Graceful stop (SIGTERM); data kept for restart(). */
  stop(): Promise<void>;
  /** kill -9; data kept for restart(). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT, for stalls. */
  pause(): void;
  resume(): void;
  /** Starts again on the same port with the same store. */
  restart(): Promise<void>;
  /** Stops and removes the store. */
  dispose(): Promise<void>;
}

export function natsServerBinary(): string {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
}

/** Starts nats-server with JetStream; a given storeDir and port are kept (the local stack), else temporary ones. */
export async function startNats(
  options: { binary?: string; storeDir?: string; port?: number } = {},
): Promise<NatsServer> {
  const binary = options.binary ?? natsServerBinary();
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'hookstream-nats-')));
  const port = options.port ?? (await freePort());
  const temporary = options.storeDir === undefined;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const proc = spawnManaged(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir]);
    child = proc;
    await waitFor(`nats-server on ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited: ${recentOutput(proc)}`);
      return canConnect(port);
    });
  };
  await launch();

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return child?.pid;
    },
    stop: async () => {
      if (child) await stopProcess(child, 'SIGTERM');
    },
    kill: async () => {
      if (!child) return;
      killGroup(child, 'SIGKILL');
      await exited(child);
    },
    pause: () => child && killGroup(child, 'SIGSTOP'),
    resume: () => child && killGroup(child, 'SIGCONT'),
    restart: async () => {
      if (child && child.exitCode === null && child.signalCode === null) await stopProcess(child, 'SIGTERM');
      await launch();
    },
    dispose: async () => {
      if (child) await stopProcess(child, 'SIGTERM', 5_000);
      if (temporary) await rm(storeDir, { recursive: true, force: true });
    },
  };
}
