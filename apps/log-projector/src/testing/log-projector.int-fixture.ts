import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Client } from 'pg';
import { request } from 'undici';
import { deliveryFactMessage, STREAMS, type DeliveryFact } from '@hookstream/contracts';
import { connectNats, provisionStreams, Publisher } from '@hookstream/messaging';
import { hashApiKey } from '@hookstream/platform';
import {
  REPO_ROOT,
  startNats,
  startPostgres,
  startService,
  waitFor,
  type NatsServer,
  type PostgresServer,
  type RunningService,
} from '@hookstream/testing';

/** NATS, Postgres with every service's migrations, and a client of each, for one test file. */
export interface Stack {
  nats: NatsServer;
  pg: PostgresServer;
  databaseUrl: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  publisher: Publisher;
  db: Client;
  /** What the service and the CLI need. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

function run(file: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export async function startStack(): Promise<Stack> {
  const [nats, pg] = await Promise.all([startNats(), startPostgres()]);
  try {
    return await connectStack(nats, pg);
  } catch (error) {
    await Promise.all([nats.dispose(), pg.dispose()]);
    throw error;
  }
}

async function connectStack(nats: NatsServer, pg: PostgresServer): Promise<Stack> {
  const databaseUrl = await pg.createDatabase();
  const env = { NATS_URL: nats.url, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  // Every service's migrations, as in a deployment: the shared tables (organizations, API keys) among them.
  const migrated = await run(join(REPO_ROOT, 'dist', 'scripts', 'migrate.js'), [], env);
  if (migrated.code !== 0) throw new Error(`migrations failed: ${migrated.stderr}`);
  const nc = await connectNats({ servers: nats.url, name: 'log-projector-test' });
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm, { replicas: 1, eventsMaxAgeMs: 86_400_000, deliveriesMaxAgeMs: 86_400_000 });
  const js = jetstream(nc);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    nats,
    pg,
    databaseUrl,
    nc,
    js,
    jsm,
    publisher: new Publisher(js),
    db,
    env,
    dispose: async () => {
      await db.end().catch(() => undefined);
      await nc.close().catch(() => undefined);
      await Promise.all([nats.dispose(), pg.dispose()]);
    },
  };
}

export function startProjector(stack: Stack, extra: Record<string, string> = {}): Promise<RunningService> {
  return startService('log-projector', { ...stack.env, ...extra });
}

/** A fresh organization per test (tests never share rows), and an API key for the given organizations. */
export async function createApiKey(db: Client, organizationIds: string[]): Promise<string> {
  for (const id of organizationIds)
    await db.query('INSERT INTO organizations (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [id]);
  const key = `hs_live_${randomBytes(32).toString('base64url')}`;
  const id = `key_${randomBytes(8).toString('hex')}`;
  await db.query('INSERT INTO api_keys (id, key_hash, default_organization_id) VALUES ($1, $2, $3)', [
    id,
    hashApiKey(key),
    organizationIds[0],
  ]);
  for (const organizationId of organizationIds)
    await db.query('INSERT INTO api_key_organizations (api_key_id, organization_id) VALUES ($1, $2)', [
      id,
      organizationId,
    ]);
  return key;
}

export const uniqueOrg = (name: string): string => `org_${name}_${randomBytes(4).toString('hex')}`;

/**
 * Publishes facts as the dispatcher does (subject, headers, Nats-Msg-Id). `again` stores them once
 * more under other message ids, as a publish repeated after the duplicate window would.
 */
export async function publishFacts(
  publisher: Publisher,
  facts: DeliveryFact[],
  again = false,
): Promise<void> {
  for (const fact of facts) {
    const { subject, payload, msgId, headers } = deliveryFactMessage(fact);
    await publisher.publish(subject, payload, { msgId: again ? `${msgId}:again` : msgId, headers });
  }
}

export async function checkpointOf(db: Client): Promise<number> {
  const { rows } = await db.query<{ last_seq: string }>(
    "SELECT last_seq FROM checkpoints WHERE projection = 'delivery-log'",
  );
  return Number(rows[0]?.last_seq ?? 0);
}

/** Waits until the projection has committed everything DELIVERIES holds now. */
export async function waitForProjection(stack: Stack, timeoutMs = 60_000): Promise<number> {
  const last = (await stack.jsm.streams.info(STREAMS.deliveries)).state.last_seq;
  await waitFor(`projection up to ${last}`, async () => (await checkpointOf(stack.db)) >= last, timeoutMs);
  return last;
}

export function runCli(stack: Stack, command: string) {
  return run(join(REPO_ROOT, 'dist', 'apps', 'log-projector', 'src', 'cli.js'), [command], stack.env);
}

/** Tests read whatever JSON an endpoint answers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export async function getJson<T = Json>(
  url: string,
  key?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await request(url, {
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function postJson<T = Json>(
  url: string,
  key: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
}
