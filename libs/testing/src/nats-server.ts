import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServerBinary } from './nats-binary';
import { NatsProcess } from './nats-process';
import { freePort } from './ports';

export { natsServerBinary, natsServerVersion, supportsSyncInterval } from './nats-binary';

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly pid: number | undefined;
  /** Runs with `sync_interval: always` (false only on servers before 2.10, which lack it). */
  readonly syncAlways: boolean;
  /** Graceful stop (SIGTERM); data kept for restart(). */
  stop(): Promise<void>;
  /** kill -9; data kept for restart(). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT, for stalls. */
  pause(): void;
  resume(): void;
  /** Starts again on the same port with the same store. */
  restart(): Promise<void>;
  /** A monitoring endpoint's JSON, such as `/varz`. */
  monitor<T>(path: string): Promise<T>;
  /** Stops and removes the store. */
  dispose(): Promise<void>;
}

/** Starts nats-server with JetStream; a given storeDir and port are kept (the local stack), else temporary ones. */
export async function startNats(
  options: { binary?: string; storeDir?: string; port?: number } = {},
): Promise<NatsServer> {
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'hookstream-nats-')));
  const temporary = options.storeDir === undefined;
  const node = new NatsProcess({
    binary: options.binary ?? natsServerBinary(),
    port: options.port ?? (await freePort()),
    monitorPort: await freePort(),
    storeDir,
    // Beside the store, not in it: the store may be wiped while the configuration stays.
    configFile: `${storeDir}.conf`,
  });
  await node.start();

  return {
    url: `nats://127.0.0.1:${node.spec.port}`,
    port: node.spec.port,
    storeDir,
    get pid() {
      return node.pid;
    },
    syncAlways: node.syncAlways,
    stop: () => node.stop(),
    kill: () => node.kill(),
    pause: () => node.pause(),
    resume: () => node.resume(),
    restart: () => node.restart(),
    monitor: (path) => node.monitor(path),
    dispose: async () => {
      await node.stop(5_000);
      await rm(node.spec.configFile, { force: true });
      if (temporary) await rm(storeDir, { recursive: true, force: true });
    },
  };
}
