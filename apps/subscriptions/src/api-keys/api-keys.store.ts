import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { ApiKeyLookup, ApiKeyRecord } from '@hookstream/platform';
import { ApiKeyEntity, ApiKeyOrganizationEntity } from './api-key.entity';

export interface NewApiKey {
  id: string;
  keyHash: string;
  defaultOrganizationId: string;
  organizationIds: readonly string[];
  createdAt: Date;
}

interface LookupRow {
  id: string;
  default_organization_id: string;
  organization_ids: string[];
}

/**
 * The `api_keys` and `api_key_organizations` tables. Also this service's ApiKeyLookup; the other
 * services read the same keys through the `api_key_lookup` view.
 */
@Injectable()
export class ApiKeysStore implements ApiKeyLookup {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Writes the key and its organizations in one transaction, unless some organization does not
   * exist: then nothing is written and the missing ids are returned.
   */
  async insert(key: NewApiKey): Promise<{ missingOrganizations: string[] }> {
    return this.dataSource.transaction(async (em) => {
      const found = await em.query<Array<{ id: string }>>(
        'SELECT id FROM organizations WHERE id = ANY($1::text[])',
        [key.organizationIds],
      );
      const missingOrganizations = key.organizationIds.filter((id) => !found.some((org) => org.id === id));
      if (missingOrganizations.length > 0) return { missingOrganizations };
      await em.insert(ApiKeyEntity, {
        id: key.id,
        keyHash: key.keyHash,
        defaultOrganizationId: key.defaultOrganizationId,
        createdAt: key.createdAt,
        revokedAt: null,
      });
      await em.insert(
        ApiKeyOrganizationEntity,
        key.organizationIds.map((organizationId) => ({ apiKeyId: key.id, organizationId })),
      );
      return { missingOrganizations };
    });
  }

  /** Marks the key revoked unless it already is; false when there is no such key. */
  async revoke(id: string, now: Date): Promise<boolean> {
    const keys = this.dataSource.getRepository(ApiKeyEntity);
    const result = await keys.update({ id, revokedAt: IsNull() }, { revokedAt: now });
    return result.affected !== 0 || (await keys.existsBy({ id }));
  }

  async findLiveKey(keyHash: string): Promise<ApiKeyRecord | null> {
    const rows = await this.dataSource.query<LookupRow[]>(
      `SELECT k.id, k.default_organization_id,
              ARRAY(SELECT o.organization_id FROM api_key_organizations o WHERE o.api_key_id = k.id) AS organization_ids
         FROM api_keys k
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [keyHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      defaultOrganizationId: row.default_organization_id,
      organizationIds: row.organization_ids,
    };
  }
}
