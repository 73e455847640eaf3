import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenancy (shared with the other services, which only read it), subscriptions, catalog, outbox. */
export class InitialSchema1763890000000 implements MigrationInterface {
  name = 'InitialSchema1763890000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organizations (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        key_hash text NOT NULL UNIQUE,
        default_organization_id text NOT NULL REFERENCES organizations (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz NULL
      )`);
    await db.query(`
      CREATE TABLE api_key_organizations (
        api_key_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        organization_id text NOT NULL REFERENCES organizations (id),
        PRIMARY KEY (api_key_id, organization_id)
      )`);
    await db.query(`
      CREATE TABLE subscriptions (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations (id),
        name text NOT NULL,
        url text NOT NULL,
        events jsonb NOT NULL,
        active boolean NOT NULL,
        profile text NOT NULL,
        payload_template text NULL,
        headers jsonb NOT NULL,
        retry_policy jsonb NULL,
        timeout_ms integer NULL,
        metadata jsonb NOT NULL,
        secrets jsonb NOT NULL,
        disabled_reason text NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // Lists page through one organization's subscriptions, oldest first.
    await db.query(
      `CREATE INDEX subscriptions_by_organization ON subscriptions (organization_id, created_at, id)`,
    );
    await db.query(`
      CREATE TABLE event_types (
        organization_id text NOT NULL REFERENCES organizations (id),
        name text NOT NULL,
        description text NOT NULL,
        schema jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (organization_id, name)
      )`);
    await db.query(`
      CREATE TABLE subscription_outbox (
        id text PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        organization_id text NOT NULL,
        subscription_id text NOT NULL,
        fact jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        published_at timestamptz NULL
      )`);
    // The relay reads only the backlog; published rows stay out of its index.
    await db.query(
      `CREATE INDEX subscription_outbox_backlog ON subscription_outbox (seq) WHERE published_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'subscription_outbox',
      'event_types',
      'subscriptions',
      'api_key_organizations',
      'api_keys',
    ])
      await db.query(`DROP TABLE ${table}`);
    await db.query(`DROP TABLE organizations`);
  }
}
