/* eslint-disable @typescript-eslint/no-explicit-any -- test replies are arbitrary JSON, read field by field */
import { join } from 'node:path';
import { credentials, type Client, Metadata, type ServiceError, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect as nodeConnect } from '@nats-io/transport-node';
import { Client as PgClient } from 'pg';
import { request } from 'undici';
import { subjects, type SubscriptionState } from '@hookstream/contracts';
import { REPO_ROOT, startNats, startPostgres, startService, waitFor } from '@hookstream/testing';
import type { NatsServer, PostgresServer, RunningService } from '@hookstream/testing';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const SECRETS_KEY_HEX = '0f'.repeat(32);
export const SECRETS_KEY = Buffer.from(SECRETS_KEY_HEX, 'hex');

export interface HttpReply<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON and oversized bodies). */
  rawBody?: string;
  key?: string | null;
  organization?: string;
  headers?: Record<string, string>;
}

/** A running subscriptions service with its own nats-server and Postgres, and clients for both APIs. */
export interface SubscriptionsFixture {
  nats: NatsServer;
  pg: PostgresServer;
  databaseUrl: string;
  service: RunningService;
  nc: NatsConnection;
  jsm: JetStreamManager;
  db: PgClient;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<HttpReply<T>>;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<HttpReply<T>>;
  /** A fresh organization and a key for it. */
  tenant(name?: string): Promise<{ organizationId: string; key: string; keyId: string }>;
  grpc(service: 'Subscriptions' | 'Events'): GrpcClient;
  dispose(): Promise<void>;
}

export type GrpcClient = <T = any>(
  method: string,
  request: unknown,
  auth?: { key?: string; organization?: string; metadata?: Record<string, string> },
) => Promise<T>;

let counter = 0;

// transport-node re-exports its types through a subpath this tsconfig does not follow; core declares them.
const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

type UnaryCall = (
  request: unknown,
  metadata: Metadata,
  callback: (error: ServiceError | null, reply: unknown) => void,
) => void;

/** The `key` field of each element of a JSON array reply (ids, names). */
export function pluck(list: unknown, key = 'id'): unknown[] {
  return (list as Array<Record<string, unknown>>).map((item) => item[key]);
}

export async function startSubscriptionsFixture(
  env: Record<string, string> = {},
): Promise<SubscriptionsFixture> {
  const [nats, pg] = await Promise.all([startNats(), startPostgres()]);
  const databaseUrl = await pg.createDatabase();
  const service = await startService('subscriptions', {
    NATS_URL: nats.url,
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN,
    SECRETS_KEY: SECRETS_KEY_HEX,
    LOG_LEVEL: 'trace',
    ...env,
  });
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();

  const call = async <T>(method: string, path: string, options: CallOptions = {}): Promise<HttpReply<T>> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.organization) headers['x-organization-id'] = options.organization;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await request(`${service.httpUrl}${path}`, { method: method as 'GET', headers, body });
    const text = await res.body.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed as T, text, headers: res.headers };
  };

  const admin = <T>(method: string, path: string, body?: unknown) =>
    call<T>(method, path, { body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  const tenant = async (name = 'Test') => {
    const organizationId = `org_t${process.pid}_${Date.now()}_${counter++}`;
    const org = await admin('POST', '/admin/organizations', { id: organizationId, name });
    if (org.status !== 201) throw new Error(`organization: ${org.text}`);
    const key = await admin<{ id: string; key: string }>('POST', '/admin/api-keys', {
      organizationIds: [organizationId],
      defaultOrganizationId: organizationId,
    });
    if (key.status !== 201) throw new Error(`api key: ${key.text}`);
    return { organizationId, key: key.body.key, keyId: key.body.id };
  };

  const definition = loadSync(
    ['subscriptions.proto', 'events.proto'].map((file) =>
      join(REPO_ROOT, 'libs', 'contracts', 'proto', file),
    ),
    { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
  );
  const v1 = (loadPackageDefinition(definition).hookstream as Record<string, any>).v1 as Record<
    string,
    new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client
  >;
  const clients: Client[] = [];
  const grpc = (name: 'Subscriptions' | 'Events'): GrpcClient => {
    const client = new v1[name]!(service.grpcAddress, credentials.createInsecure());
    clients.push(client);
    return (method, message, auth = {}) =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        if (auth.key) metadata.set('authorization', `Bearer ${auth.key}`);
        if (auth.organization) metadata.set('x-organization-id', auth.organization);
        for (const [name, value] of Object.entries(auth.metadata ?? {})) metadata.set(name, value);
        const fn = (client as unknown as Record<string, UnaryCall>)[method]!;
        fn.call(client, message, metadata, (error: ServiceError | null, reply: unknown) =>
          error ? reject(error) : resolve(reply as never),
        );
      });
  };

  return {
    nats,
    pg,
    databaseUrl,
    service,
    nc,
    jsm,
    db,
    call,
    admin,
    tenant,
    grpc,
    dispose: async () => {
      for (const client of clients) client.close();
      await db.end().catch(() => undefined);
      await nc.close().catch(() => undefined);
      await service.stop().catch(() => undefined);
      await Promise.all([nats.dispose(), pg.dispose()]);
    },
  };
}

/** A valid subscription body; override any field. */
export function subscriptionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Orders', url: 'https://example.com/hooks', events: ['workflow.completed'], ...overrides };
}

export interface PublishedFact {
  version: number;
  data: SubscriptionState;
}

/** The outbox relays a change shortly after it commits: the subscription's last fact on SUBSCRIPTIONS once it shows the change. */
export async function lastSubscriptionFact(
  f: Pick<SubscriptionsFixture, 'jsm'>,
  organizationId: string,
  id: string,
  shows: (fact: PublishedFact) => boolean = () => true,
): Promise<PublishedFact> {
  const subject = subjects.subscription(organizationId, id);
  let fact: PublishedFact | undefined;
  await waitFor(`the fact of ${id} on SUBSCRIPTIONS`, async () => {
    const msg = await f.jsm.streams.getMessage('SUBSCRIPTIONS', { last_by_subj: subject }).catch(() => null);
    fact = msg ? (JSON.parse(msg.string()) as PublishedFact) : undefined;
    return fact !== undefined && shows(fact);
  });
  return fact!;
}
