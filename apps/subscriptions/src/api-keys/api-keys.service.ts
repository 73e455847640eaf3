import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Clock, IdGenerator } from '@hookstream/contracts';
import { hashApiKey, notFound, validationFailed } from '@hookstream/platform';
import { CLOCK, ID_GENERATOR } from '../subscriptions.tokens';
import type { ApiKeyCreatedResponse } from './api-key.dto';
import { ApiKeysStore } from './api-keys.store';

export const API_KEY_PREFIX = 'hs_live_';

/** `hs_live_` + 32 random bytes: enough entropy that a sha256 (not a slow hash) is a safe store. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly store: ApiKeysStore,
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
    const { missingOrganizations } = await this.store.insert({
      id,
      keyHash: hashApiKey(key),
      defaultOrganizationId: input.defaultOrganizationId,
      organizationIds,
      createdAt,
    });
    if (missingOrganizations.length > 0)
      throw validationFailed(`unknown organization: ${missingOrganizations.join(', ')}`);
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
    if (!(await this.store.revoke(id, this.clock.now()))) throw notFound(`API key ${id}`);
  }
}
