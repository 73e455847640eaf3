import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Only the sha256 of a key is stored: the key itself is shown once, at creation. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text', { name: 'key_hash', unique: true })
  keyHash: string;

  @Column('text', { name: 'default_organization_id' })
  defaultOrganizationId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}

@Entity('api_key_organizations')
export class ApiKeyOrganizationEntity {
  @PrimaryColumn('text', { name: 'api_key_id' })
  apiKeyId: string;

  @PrimaryColumn('text', { name: 'organization_id' })
  organizationId: string;
}
