import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import {
  startNats,
  startPostgres,
  startService,
  type NatsServer,
  type PostgresServer,
  type RunningService,
  type ServiceName,
} from '@hookstream/testing';
import { startGateway } from '../../scripts/gateway';
import { freePort } from '@hookstream/testing';

/** The stack on one nats-server; StackOn<NatsCluster> is the same on a cluster. */
export type Stack = StackOn<NatsServer>;

export interface StackOn<N extends StackNats> {
  nats: N;
  pg: PostgresServer;
  databaseUrl: string;
  adminToken: string;
  secretsKey: string;
  services: Record<ServiceName, RunningService>;
  /** The whole public API on one address, as users see it. */
  apiUrl: string;
  /** A new organization with an API key of its own. */
  tenant(name?: string): Promise<Tenant>;
  dispose(): Promise<void>;
}

export interface Tenant {
  organizationId: string;
  apiKey: string;
  apiKeyId: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** What the stack needs of NATS: a nats-server or a cluster (whose url lists every node). */
export interface StackNats {
  url: string;
  dispose(): Promise<void>;
}

/** The three services, built, against their own nats-server and Postgres, behind the local gateway. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const [nats, pg] = await Promise.all([startNats(), startPostgres()]);
  return startStackOn(nats, pg, env);
}

/** The three services on NATS and Postgres started by the caller; dispose() stops them all. */
export async function startStackOn<N extends StackNats>(
  nats: N,
  pg: PostgresServer,
  env: Record<string, string> = {},
): Promise<StackOn<N>> {
  const databaseUrl = await pg.createDatabase();
  const adminToken = randomBytes(16).toString('hex');
  const secretsKey = randomBytes(32).toString('hex');
  const common = {
    NATS_URL: nats.url,
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    SECRETS_KEY: secretsKey,
    DELIVERY_ALLOWED_TARGETS: '127.0.0.1/32',
    DELIVERY_ALLOW_HTTP: 'true',
    LOG_LEVEL: 'warn',
    ...env,
  };
  // Sequential: the first one migrates the shared tables.
  const subscriptions = await startService('subscriptions', common);
  const [dispatcher, projector] = await Promise.all([
    startService('dispatcher', common),
    startService('log-projector', common),
  ]);
  const port = await freePort();
  const gateway = startGateway({
    port,
    host: '127.0.0.1',
    subscriptionsUrl: subscriptions.httpUrl,
    projectorUrl: projector.httpUrl,
  });
  const apiUrl = `http://127.0.0.1:${port}`;

  const call = async <T>(auth: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await request(`${apiUrl}${path}`, {
      method: method as 'GET',
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  };

  let counter = 0;
  return {
    nats,
    pg,
    databaseUrl,
    adminToken,
    secretsKey,
    services: { subscriptions, dispatcher, 'log-projector': projector },
    apiUrl,
    tenant: async (name = 'Test organization') => {
      const admin = { authorization: `Bearer ${adminToken}` };
      const organizationId = `org_${process.pid}_${Date.now()}_${counter++}`;
      const org = await call(admin, 'POST', '/admin/organizations', { id: organizationId, name });
      if (org.status !== 201) throw new Error(`organization: ${org.status} ${JSON.stringify(org.body)}`);
      const key = await call<{ id: string; key: string }>(admin, 'POST', '/admin/api-keys', {
        organizationIds: [organizationId],
        defaultOrganizationId: organizationId,
      });
      if (key.status !== 201) throw new Error(`api key: ${key.status} ${JSON.stringify(key.body)}`);
      const auth = { authorization: `Bearer ${key.body.key}` };
      return {
        organizationId,
        apiKey: key.body.key,
        apiKeyId: key.body.id,
        call: <T>(method: string, path: string, body?: unknown) => call<T>(auth, method, path, body),
      };
    },
    dispose: async () => {
      await gateway.close();
      await Promise.all(
        [subscriptions.stop(), dispatcher.stop(), projector.stop()].map((p) => p.catch(() => undefined)),
      );
      await Promise.all([nats.dispose(), pg.dispose()]);
    },
  };
}
