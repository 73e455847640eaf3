import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery log read model. Table names are unqualified on purpose: a rebuild runs these same
 * migrations with another schema first on the search path, so fresh tables always match the live ones.
 */
export class DeliveryLog1763900000000 implements MigrationInterface {
  name = 'DeliveryLog1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dispatches (
        id text PRIMARY KEY,
        organization_id text NOT NULL,
        subscription_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        event_data jsonb NULL,
        event_occurred_at text NULL,
        event_source text NULL,
        event_subject text NULL,
        published_at timestamptz NULL,
        request_body text NULL,
        test boolean NOT NULL,
        round text NOT NULL,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'SUCCEEDED', 'FAILED')),
        attempt_count integer NOT NULL,
        created_at timestamptz NOT NULL,
        finished_at timestamptz NULL,
        last_response_status integer NULL,
        next_attempt_at timestamptz NULL
      )`);
    // Apify lists (ascending or descending) and the per-subscription list page by creation time.
    await db.query(`CREATE INDEX dispatches_by_organization ON dispatches (organization_id, created_at, id)`);
    await db.query(
      `CREATE INDEX dispatches_by_subscription ON dispatches (organization_id, subscription_id, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX dispatches_by_event_type ON dispatches (organization_id, event_type, created_at DESC)`,
    );
    await db.query(`
      CREATE TABLE dispatch_rounds (
        dispatch_id text NOT NULL,
        round text NOT NULL,
        request_body text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (dispatch_id, round)
      )`);
    await db.query(`
      CREATE TABLE attempts (
        id text PRIMARY KEY,
        dispatch_id text NOT NULL,
        round text NOT NULL,
        attempt integer NOT NULL,
        organization_id text NOT NULL,
        subscription_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        test boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED', 'RETRYING')),
        response_status integer NULL,
        duration_ms integer NOT NULL,
        error_message text NULL,
        response_body text NULL,
        request_body text NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        next_attempt_at timestamptz NULL,
        seq bigint NOT NULL
      )`);
    await db.query(`CREATE INDEX attempts_of_dispatch ON attempts (dispatch_id, round, attempt)`);
    // The logs are read newest first, per subscription, per event type or for the whole organization.
    await db.query(
      `CREATE INDEX attempts_by_subscription ON attempts (organization_id, subscription_id, started_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX attempts_by_event_type ON attempts (organization_id, event_type, started_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX attempts_by_organization ON attempts (organization_id, started_at DESC, id DESC)`,
    );
    await db.query(`
      CREATE TABLE checkpoints (
        projection text PRIMARY KEY,
        version integer NOT NULL,
        last_seq bigint NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['checkpoints', 'attempts', 'dispatch_rounds', 'dispatches'])
      await db.query(`DROP TABLE ${table}`);
  }
}
