import type { MigrationInterface, QueryRunner } from 'typeorm';
import { idempotencyTableDdl } from '@hookstream/platform';

/**
 * Idempotency-Key answers of POST /webhook-dispatches/:id/retry, kept 24 h. Not a projection
 * table: it is not rebuilt from DELIVERIES (rebuilds swap PROJECTION_TABLES only).
 */
export class IdempotencyKeys1764700000000 implements MigrationInterface {
  name = 'LogProjectorIdempotencyKeys1764700000000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of idempotencyTableDdl('log_projector_idempotency_keys')) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE log_projector_idempotency_keys');
  }
}
