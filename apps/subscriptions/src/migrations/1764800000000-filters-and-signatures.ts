import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payload filters and the signature scheme (issue 18): existing subscriptions keep no filter and HMAC. */
export class FiltersAndSignatures1764800000000 implements MigrationInterface {
  name = 'FiltersAndSignatures1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions ADD COLUMN filter jsonb NULL');
    await db.query(
      "ALTER TABLE subscriptions ADD COLUMN signature text NOT NULL DEFAULT 'hmac' CHECK (signature IN ('hmac', 'ed25519'))",
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions DROP COLUMN signature');
    await db.query('ALTER TABLE subscriptions DROP COLUMN filter');
  }
}
