import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Client } from 'pg';
import { request } from 'undici';
import { startPostgres, type PostgresServer } from '@hookstream/testing';
import { connectBench } from './nats.client';
import { enableCommitTimestamps } from './log.rows';
import type { NatsNode } from './nats.ops';
import { postmasterPid, type PlatformRoots } from './platform.cpu';
import { spawnService, type ServiceProcess } from './service.process';

export interface PlatformOptions {
  /** Dispatcher settings other than the services' defaults. */
  dispatcherEnv: Record<string, string>;
  /** Dispatchers write CPU profiles here when given. */
  profileDir?: string;
  /** JETSTREAM_REPLICAS of the streams (1 unless given: a cluster's node count). */
  replicas?: number;
  /** The nats-server processes (one, or a cluster's nodes): their CPU and their /varz. */
  natsNodes: ReadonlyArray<NatsNode & { readonly pid: number | undefined }>;
}

/** The three services as built, on their own Postgres and the bench's nats-server. */
export interface Platform {
  /** A nats-server or a cluster (the url lists its nodes). */
  readonly nats: { readonly url: string };
  readonly pg: PostgresServer;
  readonly db: Client;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly subscriptions: ServiceProcess;
  /** The running log-projector (setTracing replaces it). */
  readonly projector: ServiceProcess;
  /** Each nats-server node's monitoring endpoint. */
  readonly natsNodes: readonly NatsNode[];
  dispatchers(): readonly ServiceProcess[];
  /** The platform's processes now: the services, nats-server and the Postgres postmaster (each with its tree). */
  processRoots(): PlatformRoots;
  /** Spawns `count` dispatchers and waits until all are ready; `tag` names their profile folder. */
  startDispatchers(count: number, tag?: string): Promise<ServiceProcess[]>;
  stopDispatchers(): Promise<void>;
  /**
   * Restarts the log-projector with these OTEL_* variables (undefined: none) and gives them to
   * the dispatchers started from now on: the phases after it run traced.
   */
  setTracing(env: Record<string, string> | undefined): Promise<void>;
  /** A new organization with an API key, for the subscriptions API. */
  tenant(name: string): Promise<{ organizationId: string; key: string }>;
  /** POST /webhooks on the subscriptions service; answers the subscription id. */
  subscribe(key: string, url: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function startPlatform(nats: { url: string }, options: PlatformOptions): Promise<Platform> {
  const pg = await startPostgres();
  await enableCommitTimestamps(pg);
  const databaseUrl = await pg.createDatabase('hookstream_bench');
  const adminToken = randomBytes(16).toString('hex');
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    SECRETS_KEY: randomBytes(32).toString('hex'),
    DELIVERY_ALLOWED_TARGETS: '127.0.0.1/32',
    DELIVERY_ALLOW_HTTP: 'true',
    LOG_LEVEL: 'warn',
    JETSTREAM_REPLICAS: String(options.replicas ?? 1),
  };
  // One after the other: the first to boot applies the shared migrations.
  const subscriptions = await spawnService('subscriptions', env);
  await subscriptions.waitReady();
  let projector = await spawnService('log-projector', env);
  await projector.waitReady();
  let tracingEnv: Record<string, string> = {};

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const nc = await connectBench(nats.url, 'bench');
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const dispatcherFlags = (tag: string): string[] => {
    if (!options.profileDir) return [];
    const dir = join(options.profileDir, tag);
    mkdirSync(dir, { recursive: true });
    return ['--cpu-prof', '--cpu-prof-dir', dir];
  };
  let dispatchers: ServiceProcess[] = [];

  const call = async <T>(token: string, path: string, body: unknown): Promise<T> => {
    const res = await request(`${subscriptions.httpUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as T;
  };

  return {
    nats,
    pg,
    db,
    nc,
    js,
    jsm,
    subscriptions,
    get projector() {
      return projector;
    },
    natsNodes: options.natsNodes,
    dispatchers: () => dispatchers,
    processRoots: () => [
      { role: 'subscriptions', pid: subscriptions.pid },
      { role: 'log-projector', pid: projector.pid },
      ...dispatchers.map((d) => ({ role: 'dispatcher', pid: d.pid })),
      ...options.natsNodes.map((node) => ({ role: 'nats-server', pid: node.pid })),
      // Read each time: the postmaster changes when the server restarts.
      { role: 'postgres', pid: postmasterPid(pg.dataDir) },
    ],
    startDispatchers: async (count, tag = 'other') => {
      const started = await Promise.all(
        Array.from({ length: count }, () =>
          spawnService(
            'dispatcher',
            { ...env, ...options.dispatcherEnv, ...tracingEnv },
            dispatcherFlags(tag),
          ),
        ),
      );
      dispatchers = [...dispatchers, ...started];
      await Promise.all(started.map((d) => d.waitReady()));
      return started;
    },
    stopDispatchers: async () => {
      await Promise.all(dispatchers.map((d) => d.stop()));
      dispatchers = [];
    },
    setTracing: async (tracing) => {
      tracingEnv = tracing ?? {};
      await projector.stop();
      projector = await spawnService('log-projector', { ...env, ...tracingEnv });
      await projector.waitReady();
    },
    tenant: async (name) => {
      const org = await call<{ id: string }>(adminToken, '/admin/organizations', { name });
      const key = await call<{ key: string }>(adminToken, '/admin/api-keys', {
        organizationIds: [org.id],
        defaultOrganizationId: org.id,
      });
      return { organizationId: org.id, key: key.key };
    },
    subscribe: async (key, url) => {
      const created = await call<{ id: string }>(key, '/webhooks', {
        name: `bench ${url}`,
        url,
        events: ['workflow.completed'],
      });
      return created.id;
    },
    dispose: async () => {
      await nc.drain().catch(() => undefined);
      await db.end().catch(() => undefined);
      await Promise.all(
        [...dispatchers, projector, subscriptions].map((s) => s.stop().catch(() => undefined)),
      );
      await pg.dispose();
    },
  };
}
