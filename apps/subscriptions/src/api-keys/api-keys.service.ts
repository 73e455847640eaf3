import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import type { Clock, IdGenerator } from '@hookstream/contracts';
import { hashApiKey, notFound, validationFailed } from '@hookstream/platform';
import { CLOCK, ID_GENERATOR } from '../subscriptions.tokens';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ApiKeyEntity, ApiKeyOrganizationEntity } from './api-key.entity';
import type { ApiKeyCreatedResponse } from './api-key.dto';

export const API_KEY_PREFIX = 'hs_live_';

/** `hs_live_` + 32 random bytes: enough entropy that a sha256 (not a slow hash) is a safe store. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async create(input: {
    organizationIds: string[];
    defaultOrganizationId: string;
  }): Promise<ApiKeyCreatedResponse> {
    const organizationIds = [...new Set(input.organizationIds)];
    if (!organizationIds.includes(input.defaultOrganizationId))
      throw validationFailed('defaultOrganizationId must be one of organizationIds');
    const key = generateApiKey();
    const id = this.ids.next('key');
    const createdAt = this.clock.now();
    await this.dataSource.transaction(async (em) => {
      const found = await em.findBy(OrganizationEntity, { id: In(organizationIds) });
      const missing = organizationIds.filter((orgId) => !found.some((org) => org.id === orgId));
      if (missing.length > 0) throw validationFailed(`unknown organization: ${missing.join(', ')}`);
      await em.insert(ApiKeyEntity, {
        id,
        keyHash: hashApiKey(key),
        defaultOrganizationId: input.defaultOrganizationId,
        createdAt,
        revokedAt: null,
      });
      await em.insert(
        ApiKeyOrganizationEntity,
        organizationIds.map((organizationId) => ({ apiKeyId: id, organizationId })),
      );
    });
    return {
      id,
      key,
      organizationIds,
      defaultOrganizationId: input.defaultOrganizationId,
      createdAt: createdAt.toISOString(),
    };
  }

  /** Revoking twice is the same as once; an unknown id is not found. */
  async revoke(id: string): Promise<void> {
    const keys = this.dataSource.getRepository(ApiKeyEntity);
    const result = await keys.update({ id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    if (result.affected === 0 && !(await keys.existsBy({ id }))) throw notFound(`API key ${id}`);
  }
}
