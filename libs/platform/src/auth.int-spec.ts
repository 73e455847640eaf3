import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, Get, type INestApplication, Injectable, Module, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IsString } from 'class-validator';
import { DataSource } from 'typeorm';
import { request } from 'undici';
import type { Clock } from '@hookstream/contracts';
import { freePort, startPostgres, type PostgresServer, waitFor } from '@hookstream/testing';
import {
  ApiKeyAuthenticator,
  ApiKeyGuard,
  type ApiKeyLookup,
  type ApiKeyRecord,
  bootstrapService,
  CurrentTenant,
  DomainError,
  type ErrorCode,
  hashApiKey,
  PlatformModule,
  type Tenant,
} from '@hookstream/platform';

const PROTO = join(__dirname, 'fixtures', 'probe.proto');

// The real tables are created by the subscriptions app's migrations; these are their shape.
const SCHEMA = `
  CREATE TABLE organizations (id text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE api_keys (
    id text PRIMARY KEY, key_hash text UNIQUE NOT NULL, default_organization_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz NULL);
  CREATE TABLE api_key_organizations (
    api_key_id text NOT NULL, organization_id text NOT NULL, PRIMARY KEY (api_key_id, organization_id));`;

/** The lookup a service provides, here over the tables above. */
@Injectable()
class TableKeyLookup implements ApiKeyLookup {
  constructor(private readonly db: DataSource) {}

  async findLiveKey(keyHash: string): Promise<ApiKeyRecord | null> {
    const rows = await this.db.query<
      Array<{ id: string; default_organization_id: string; organization_ids: string[] }>
    >(
      `SELECT k.id, k.default_organization_id,
              ARRAY(SELECT o.organization_id FROM api_key_organizations o WHERE o.api_key_id = k.id) AS organization_ids
         FROM api_keys k WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [keyHash],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          defaultOrganizationId: row.default_organization_id,
          organizationIds: row.organization_ids,
        }
      : null;
  }
}

const newKey = (): string => `hs_live_${randomBytes(32).toString('base64url')}`;

async function createKey(db: DataSource, id: string, organizations: string[]): Promise<string> {
  const key = newKey();
  await db.query('INSERT INTO api_keys (id, key_hash, default_organization_id) VALUES ($1, $2, $3)', [
    id,
    hashApiKey(key),
    organizations[0],
  ]);
  for (const organization of organizations)
    await db.query('INSERT INTO api_key_organizations (api_key_id, organization_id) VALUES ($1, $2)', [
      id,
      organization,
    ]);
  return key;
}

async function failure(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError');
}

/** The parts of a JSON reply the assertions read. */
interface Reply {
  error?: { type: string; message: string };
  checks?: Record<string, { ok: boolean }>;
  [field: string]: unknown;
}

type EchoClient = {
  Echo(
    request: object,
    metadata: Metadata,
    callback: (error: ServiceError | null, reply?: unknown) => void,
  ): void;
  close(): void;
};

class EchoDto {
  @IsString()
  name: string;
}

@Controller('whoami')
@UseGuards(ApiKeyGuard)
class WhoAmIController {
  @Get()
  whoami(@CurrentTenant() tenant: Tenant): Tenant {
    return tenant;
  }

  @GrpcMethod('Probe', 'Echo')
  echo(@Payload() body: EchoDto, @CurrentTenant() tenant: Tenant): { name: string; organization_id: string } {
    return { name: body.name, organization_id: tenant.organizationId };
  }
}

describe('API key authentication against Postgres', () => {
  let pg: PostgresServer;
  let db: DataSource;
  let databaseUrl: string;
  let key: string;

  beforeAll(async () => {
    pg = await startPostgres();
    databaseUrl = await pg.createDatabase();
    db = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
    await db.query(SCHEMA);
    await db.query(
      "INSERT INTO organizations (id, name) VALUES ('org_a', 'A'), ('org_b', 'B'), ('org_c', 'C')",
    );
    key = await createKey(db, 'key_ab', ['org_a', 'org_b']);
  });

  afterAll(async () => {
    await db?.destroy();
    await pg?.dispose();
  });

  describe('ApiKeyAuthenticator', () => {
    it("acts for the key's default organization, or the one asked for among its own", async () => {
      const auth = new ApiKeyAuthenticator(new TableKeyLookup(db));
      expect(await auth.authenticate(`Bearer ${key}`, undefined)).toEqual({
        organizationId: 'org_a',
        apiKeyId: 'key_ab',
      });
      expect(await auth.authenticate(`Bearer ${key}`, 'org_b')).toEqual({
        organizationId: 'org_b',
        apiKeyId: 'key_ab',
      });
      expect(await failure(auth.authenticate(`Bearer ${key}`, 'org_c'))).toBe('forbidden');
    });

    it('refuses unknown keys and malformed headers', async () => {
      const auth = new ApiKeyAuthenticator(new TableKeyLookup(db));
      expect(await failure(auth.authenticate(`Bearer ${newKey()}`, undefined))).toBe('unauthorized');
      expect(await failure(auth.authenticate(key, undefined))).toBe('unauthorized');
      expect(await failure(auth.authenticate(undefined, 'org_a'))).toBe('unauthorized');
    });

    it('stops accepting a revoked key within 5 seconds', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const clock: Clock = { now: () => new Date(now) };
      const revocable = await createKey(db, 'key_revocable', ['org_c']);
      const auth = new ApiKeyAuthenticator(new TableKeyLookup(db), { clock });
      expect(await auth.authenticate(`Bearer ${revocable}`, undefined)).toEqual({
        organizationId: 'org_c',
        apiKeyId: 'key_revocable',
      });
      await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = 'key_revocable'");
      now += 5000;
      expect(await failure(auth.authenticate(`Bearer ${revocable}`, undefined))).toBe('unauthorized');
    });

    it('accepts a key created after it was tried once unknown, after the short negative cache', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const auth = new ApiKeyAuthenticator(new TableKeyLookup(db), { clock: { now: () => new Date(now) } });
      const late = newKey();
      expect(await failure(auth.authenticate(`Bearer ${late}`, undefined))).toBe('unauthorized');
      await db.query(
        "INSERT INTO api_keys (id, key_hash, default_organization_id) VALUES ('key_late', $1, 'org_a')",
        [hashApiKey(late)],
      );
      now += 1000;
      expect(await auth.authenticate(`Bearer ${late}`, undefined)).toEqual({
        organizationId: 'org_a',
        apiKeyId: 'key_late',
      });
    });
  });

  describe('in a service', () => {
    let app: INestApplication;
    let base: string;
    let grpcPort: number;

    beforeAll(async () => {
      @Module({
        imports: [
          TypeOrmModule.forRoot({ type: 'postgres', url: databaseUrl, retryAttempts: 0 }),
          PlatformModule.forRoot({ apiKeyLookup: TableKeyLookup }),
        ],
        controllers: [WhoAmIController],
      })
      class AuthProbeModule {}

      const httpPort = await freePort();
      grpcPort = await freePort();
      app = await bootstrapService({
        name: 'auth-probe',
        module: AuthProbeModule,
        httpPort,
        host: '127.0.0.1',
        logLevel: 'silent',
        grpc: { port: grpcPort, packageName: 'hookstream.probe', protoFiles: [PROTO] },
      });
      base = `http://127.0.0.1:${httpPort}`;
    });

    afterAll(async () => {
      await app?.close();
    });

    async function get(path: string, headers: Record<string, string> = {}) {
      const response = await request(`${base}${path}`, { headers });
      return { status: response.statusCode, body: (await response.body.json()) as Reply };
    }

    it('puts the authenticated tenant on HTTP requests', async () => {
      expect(await get('/whoami', { authorization: `Bearer ${key}`, 'x-organization-id': 'org_b' })).toEqual({
        status: 200,
        body: { organizationId: 'org_b', apiKeyId: 'key_ab' },
      });
      expect(
        await get('/whoami', { authorization: `Bearer ${key}`, 'x-organization-id': 'org_c' }),
      ).toMatchObject({
        status: 403,
        body: { error: { type: 'forbidden' } },
      });
      expect(await get('/whoami')).toEqual({
        status: 401,
        body: { error: { type: 'unauthorized', message: 'missing API key' } },
      });
    });

    it('puts the authenticated tenant on gRPC calls', async () => {
      const root = loadPackageDefinition(loadSync(PROTO, { keepCase: true }));
      const Probe = ((root.hookstream as GrpcObject).probe as GrpcObject).Probe as ServiceClientConstructor;
      const client = new Probe(
        `127.0.0.1:${grpcPort}`,
        credentials.createInsecure(),
      ) as unknown as EchoClient;
      const echo = (metadata: Metadata) =>
        new Promise<{ error: ServiceError | null; reply?: unknown }>((resolve) =>
          client.Echo({ name: 'n' }, metadata, (error, reply) => resolve({ error, reply })),
        );
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${key}`);
      metadata.set('x-organization-id', 'org_b');
      expect(await echo(metadata)).toEqual({ error: null, reply: { name: 'n', organization_id: 'org_b' } });
      expect((await echo(new Metadata())).error?.code).toBe(status.UNAUTHENTICATED);
      client.close();
    });

    it('reports Postgres in readiness and answers 503 while it is down', async () => {
      expect(await get('/health/ready')).toEqual({
        status: 200,
        body: { status: 'ok', checks: { postgres: { ok: true } } },
      });

      await pg.kill();
      const down = await get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.body.checks?.postgres?.ok).toBe(false);
      expect(await get('/whoami', { authorization: `Bearer ${newKey()}` })).toMatchObject({
        status: 503,
        body: { error: { type: 'unavailable' } },
      });

      await pg.restart();
      await waitFor('readiness after restart', async () => (await get('/health/ready')).status === 200);
    });
  });
});
