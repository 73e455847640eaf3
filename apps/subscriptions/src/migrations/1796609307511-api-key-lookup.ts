import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live API keys as the other services read them: one row per key that is not revoked, with
 * the organizations it may act for. The tables stay this service's own; the view is what the
 * others may depend on.
 */
export class ApiKeyLookup1796609307511 implements MigrationInterface {
  name = 'ApiKeyLookup1796609307511';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE VIEW api_key_lookup AS
        SELECT k.key_hash, k.id, k.default_organization_id,
               ARRAY(SELECT o.organization_id FROM api_key_organizations o WHERE o.api_key_id = k.id) AS organization_ids
          FROM api_keys k
         WHERE k.revoked_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP VIEW api_key_lookup');
  }
}
