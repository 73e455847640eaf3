import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request headers of each attempt as sent, for the logs and the portal's attempt detail.
 * Attempts recorded before have none (null); a rebuild fills what their facts carry.
 */
export class AttemptRequestHeaders1764800000000 implements MigrationInterface {
  name = 'AttemptRequestHeaders1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts ADD COLUMN request_headers jsonb NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts DROP COLUMN request_headers`);
  }
}
