import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKeyLookup, ApiKeyRecord } from '@hookstream/platform';

interface LookupRow {
  id: string;
  default_organization_id: string;
  organization_ids: string[];
}

/**
 * API keys for authentication, read from `api_key_lookup`: a view the subscriptions service's
 * migrations create over the tables it owns, in the database both services use.
 */
@Injectable()
export class ApiKeyLookupQueries implements ApiKeyLookup {
  constructor(private readonly dataSource: DataSource) {}

  async findLiveKey(keyHash: string): Promise<ApiKeyRecord | null> {
    const rows = await this.dataSource.query<LookupRow[]>(
      'SELECT id, default_organization_id, organization_ids FROM api_key_lookup WHERE key_hash = $1',
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
