import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'undici';
import { natsServerVersion, supportsSyncInterval } from './nats-binary';
import { canConnect, waitFor } from './ports';
import { exited, killGroup, recentOutput, spawnManaged, stopProcess } from './process';

/** Everything one nats-server is started with; the same on every restart. */
export interface NatsNodeSpec {
  binary: string;
  port: number;
  /** The monitoring endpoint (/healthz, /jsz): how a test sees one node's own state. */
  monitorPort: number;
  storeDir: string;
  configFile: string;
  serverName?: string;
  cluster?: { name: string; port: number; routes: readonly number[] };
}

/** The configuration file; `sync_interval: always` as in production, where the server knows it. */
export function natsConfig(spec: NatsNodeSpec, syncAlways: boolean): string {
  const lines = [
    ...(spec.serverName ? [`server_name: ${JSON.stringify(spec.serverName)}`] : []),
    `listen: "127.0.0.1:${spec.port}"`,
    `http: "127.0.0.1:${spec.monitorPort}"`,
    'jetstream {',
    `  store_dir: ${JSON.stringify(spec.storeDir)}`,
    // An acknowledged write must be on disk on the nodes that acknowledged it: a kill -9 of a
    // quorum otherwise loses what the default two-minute interval had not flushed.
    ...(syncAlways ? ['  sync_interval: always'] : []),
    '}',
  ];
  if (spec.cluster) {
    const routes = spec.cluster.routes.map((port) => `"nats-route://127.0.0.1:${port}"`);
    lines.push(
      'cluster {',
      `  name: ${JSON.stringify(spec.cluster.name)}`,
      `  listen: "127.0.0.1:${spec.cluster.port}"`,
      `  routes: [${routes.join(', ')}]`,
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One nats-server process: started, stopped, killed, paused and restarted with the same spec. */
export class NatsProcess {
  private child?: ChildProcess;
  private paused = false;
  readonly syncAlways: boolean;

  constructor(readonly spec: NatsNodeSpec) {
    this.syncAlways = supportsSyncInterval(natsServerVersion(spec.binary));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Started, not exited, not paused: worth connecting to. */
  get reachable(): boolean {
    return this.alive && !this.paused;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    await writeFile(this.spec.configFile, natsConfig(this.spec, this.syncAlways));
    const proc = spawnManaged(this.spec.binary, ['-c', this.spec.configFile]);
    this.child = proc;
    this.paused = false;
    await waitFor(`nats-server on ${this.spec.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited: ${recentOutput(proc)}`);
      return canConnect(this.spec.port);
    });
  }

  async stop(graceMs?: number): Promise<void> {
    if (!this.child) return;
    // A stopped process handles SIGTERM only once it runs again.
    this.resume();
    await stopProcess(this.child, 'SIGTERM', graceMs);
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    killGroup(this.child, 'SIGKILL');
    await exited(this.child);
    this.paused = false;
  }

  pause(): void {
    if (!this.child || !this.alive) return;
    killGroup(this.child, 'SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.child || !this.paused) return;
    killGroup(this.child, 'SIGCONT');
    this.paused = false;
  }

  async restart(): Promise<void> {
    if (this.alive) await this.stop();
    await this.start();
  }

  /** GET /healthz: 200 once JetStream is up and, in a cluster, this node's replicas are current. */
  async healthy(): Promise<boolean> {
    return (await this.health()).ok;
  }

  /** /healthz with the server's reason when it is not ok: what a timed-out wait reports. */
  async health(): Promise<{ ok: boolean; detail: string }> {
    if (!this.alive) return { ok: false, detail: 'not running' };
    if (this.paused) return { ok: false, detail: 'paused' };
    try {
      const res = await request(`http://127.0.0.1:${this.spec.monitorPort}/healthz`, {
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      const body = await res.body.text();
      return { ok: res.statusCode === 200, detail: `${res.statusCode} ${body.trim()}` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  /** A monitoring endpoint's JSON (such as `/jsz?streams=true`), from this node alone. */
  async monitor<T>(path: string): Promise<T> {
    const res = await request(`http://127.0.0.1:${this.spec.monitorPort}${path}`, {
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    if (res.statusCode !== 200) throw new Error(`${path} on ${this.spec.port}: ${res.statusCode}`);
    return (await res.body.json()) as T;
  }

  output(): string {
    return this.child ? recentOutput(this.child) : '';
  }
}
