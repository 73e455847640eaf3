import type { MigrationInterface, QueryRunner } from 'typeorm';
import { idempotencyTableDdl } from '@hookstream/platform';

/** Idempotency-Key answers of the subscriptions service's POST routes, kept 24 h. */
export class IdempotencyKeys1764700000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764700000000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of idempotencyTableDdl('idempotency_keys')) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
  }
}
