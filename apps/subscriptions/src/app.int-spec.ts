import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { REPO_ROOT } from '@hookstream/testing';
import {
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from './testing/subscriptions.fixture';
import { subscriptionsMigrations } from './migrations';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'dist', 'apps', 'subscriptions', 'src', 'cli.js');
const MIGRATE = join(REPO_ROOT, 'dist', 'scripts', 'migrate.js');

describe('subscriptions service: admin API, CLI, migrations, docs, probes', () => {
  let f: SubscriptionsFixture;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('provisions organizations and keys with the admin token only', async () => {
    const org = await f.admin('POST', '/admin/organizations', { name: 'Generated' });
    expect(org.status).toBe(201);
    expect(org.body.id).toMatch(/^org_/);
    expect((await f.admin('POST', '/admin/organizations', { id: org.body.id, name: 'Again' })).status).toBe(
      409,
    );
    expect((await f.admin('POST', '/admin/organizations', { id: 'has.dot', name: 'x' })).status).toBe(400);
    const noToken = await f.call('POST', '/admin/organizations', { body: { name: 'x' } });
    expect(noToken.status).toBe(401);
    const wrongToken = await f.call('POST', '/admin/organizations', {
      body: { name: 'x' },
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrongToken.status).toBe(401);

    const key = await f.admin('POST', '/admin/api-keys', {
      organizationIds: [org.body.id],
      defaultOrganizationId: org.body.id,
    });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^hs_live_[A-Za-z0-9_-]{43}$/);
    const { rows } = await f.db.query('SELECT key_hash FROM api_keys WHERE id = $1', [key.body.id]);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].key_hash).not.toContain(key.body.key);
    expect(
      (
        await f.admin('POST', '/admin/api-keys', {
          organizationIds: ['org_missing'],
          defaultOrganizationId: 'org_missing',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await f.admin('POST', '/admin/api-keys', {
          organizationIds: [org.body.id],
          defaultOrganizationId: 'org_other',
        })
      ).status,
    ).toBe(400);
    expect((await f.admin('DELETE', '/admin/api-keys/key_missing')).status).toBe(404);
    // An API key is not an admin token.
    expect(
      (await f.call('POST', '/admin/organizations', { key: key.body.key, body: { name: 'x' } })).status,
    ).toBe(401);
    expect(f.service.output()).not.toContain(key.body.key);
  });

  it('creates an organization and a key from the CLI, printing JSON', async () => {
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: f.databaseUrl };
    const org = await run(
      process.execPath,
      [CLI, 'create-organization', '--id', 'org_cli', '--name', 'CLI'],
      { env },
    );
    expect(JSON.parse(org.stdout)).toMatchObject({ id: 'org_cli', name: 'CLI' });
    const key = await run(process.execPath, [CLI, 'create-api-key', '--org', 'org_cli'], { env });
    const created = JSON.parse(key.stdout) as { key: string; defaultOrganizationId: string };
    expect(created.defaultOrganizationId).toBe('org_cli');
    expect((await f.call('POST', '/webhooks', { key: created.key, body: subscriptionBody() })).status).toBe(
      201,
    );
    const refused = await run(
      process.execPath,
      [CLI, 'create-organization', '--id', 'org_cli', '--name', 'CLI'],
      { env },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('conflict') });
  });

  it('migrates a fresh database from the migrate script, also when run twice at once', async () => {
    const url = await f.pg.createDatabase();
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: url };
    await Promise.all([run(process.execPath, [MIGRATE], { env }), run(process.execPath, [MIGRATE], { env })]);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      const names = tables.rows.map((row) => row.table_name);
      expect(names).toEqual(
        expect.arrayContaining(['organizations', 'api_keys', 'api_key_organizations', 'subscriptions']),
      );
      expect(names).toEqual(
        expect.arrayContaining(['subscription_outbox', 'event_types', 'migrations_subscriptions']),
      );
      expect(names).toEqual(
        expect.arrayContaining([
          'migrations_log_projector',
          'idempotency_keys',
          'log_projector_idempotency_keys',
        ]),
      );
      // Each migration once, though two processes ran them at the same time.
      const applied = await client.query('SELECT count(*)::int AS n FROM migrations_subscriptions');
      expect(applied.rows[0].n).toBe(subscriptionsMigrations.length);
    } finally {
      await client.end();
    }
  });

  it('serves the OpenAPI document at /docs-json and Swagger UI at /docs', async () => {
    const json = await f.call('GET', '/docs-json');
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks',
        '/webhooks/{id}',
        '/webhooks/{id}/test',
        '/webhooks/{id}/replay',
        '/events',
        '/event-types',
        '/webhooks/{id}/logs',
        '/v2/webhook-dispatches/{dispatchId}',
        '/webhook-dispatches/{dispatchId}/retry',
      ]),
    );
    expect(json.body.components.schemas.CreateSubscriptionDto.required).toEqual(['name', 'url', 'events']);
    const page = await f.call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect((await f.call('GET', '/docs/swagger-ui-bundle.js')).status).toBe(200);
    expect((await f.call('GET', '/docs/..%2Fpackage.json')).status).toBe(404);
  });

  it('is ready and reports the outbox backlog on /metrics', async () => {
    const ready = await f.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks)).toEqual(expect.arrayContaining(['postgres', 'nats', 'consumers']));
    const metrics = await f.call('GET', '/metrics');
    expect(metrics.text).toMatch(/^hookstream_outbox_backlog_messages \d+$/m);
  });
});
