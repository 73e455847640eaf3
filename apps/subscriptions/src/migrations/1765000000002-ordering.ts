import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ordered delivery per event subject: existing subscriptions stay unordered. */
export class Ordering1765000000002 implements MigrationInterface {
  name = 'Ordering1765000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      "ALTER TABLE subscriptions ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'subject'))",
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions DROP COLUMN ordering');
  }
}
