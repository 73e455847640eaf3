import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statfsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { freePort, waitFor } from './ports';
import { exited, killGroup, recentOutput, spawnManaged, stopProcess } from './process';

export interface PostgresServer {
  /** URL of the `postgres` database. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** A fresh database on this server; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown; data kept for restart(). */
  stop(): Promise<void>;
  /** `pg_ctl stop -m immediate` equivalent (SIGQUIT): crash recovery on restart. */
  stopImmediate(): Promise<void>;
  /** kill -9 of the whole server; data kept for restart(). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error('PostgreSQL binaries not found: install them (apt-get install postgresql) or set PG_BIN');
  return join(root, versions[0]!, 'bin');
}

/** Postgres refuses to run as root: when we are root the cluster belongs to the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Room a temporary cluster may need in memory: the bench's read model grows to a few hundred MiB. */
const MEMORY_ROOM_BYTES = 4 * 1024 ** 3;

/**
 * Where temporary clusters live: in memory (`/dev/shm`) when it has room, else the temp dir.
 * Such a cluster runs with `fsync=off`, so on disk its writes pile up as dirty pages until the
 * kernel flushes hundreds of MiB at once, and a flush stalls every fsync on that disk for half a
 * second: nats-server's, which pace each delivery. A deployment's database has a disk of its own.
 */
function temporaryRoot(): string {
  try {
    const shm = statfsSync('/dev/shm');
    if (shm.bavail * shm.bsize >= MEMORY_ROOM_BYTES) return '/dev/shm';
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

let databaseCounter = 0;

/** Starts a cluster of its own; a given dataDir and port are kept (the local stack), else temporary ones. */
export async function startPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = runAs();
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(temporaryRoot(), 'hookstream-pg-')));
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true });
    if (user) chownSync(dataDir, user.uid, user.gid);
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'],
      {
        stdio: 'pipe',
        ...(user ?? {}),
      },
    );
  }
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = ['-D', dataDir, '-p', String(port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1'];
    args.push('-c', 'max_connections=200');
    // Test clusters only: they must survive process crashes (the OS keeps the writes), not machine crashes.
    if (temporary) args.push('-c', 'fsync=off', '-c', 'full_page_writes=off');
    const proc = spawnManaged(join(bin, 'postgres'), args, { ...(user ?? {}), cwd: dataDir });
    child = proc;
    await waitFor(`postgres on ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`postgres exited: ${recentOutput(proc)}`);
      const client = new Client({ connectionString: url });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    });
  };
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await launch();

  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    if (!child) return;
    killGroup(child, signal);
    await exited(child);
  };

  return {
    url,
    port,
    dataDir,
    createDatabase: async (name?: string) => {
      const database = name ?? `test_${process.pid}_${Date.now()}_${databaseCounter++}`;
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    stop: async () => {
      if (child) await stopProcess(child, 'SIGINT');
    },
    stopImmediate: () => signalAndWait('SIGQUIT'),
    kill: () => signalAndWait('SIGKILL'),
    restart: async () => {
      if (child && child.exitCode === null && child.signalCode === null) await stopProcess(child, 'SIGINT');
      await launch();
    },
    dispose: async () => {
      if (child) await stopProcess(child, 'SIGINT', 10_000);
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
