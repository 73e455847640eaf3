import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-endpoint rate limits: existing subscriptions keep none (only 429 and 503 answers slow them). */
export class RateLimit1765000000001 implements MigrationInterface {
  name = 'RateLimit1765000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE subscriptions ADD COLUMN rate_limit_per_second integer NULL CHECK (rate_limit_per_second BETWEEN 1 AND 10000)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions DROP COLUMN rate_limit_per_second');
  }
}
