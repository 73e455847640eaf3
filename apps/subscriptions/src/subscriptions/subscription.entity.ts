import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  EncryptedSecret,
  Ordering,
  Profile,
  RetryPolicy,
  SignatureScheme,
  SubscriptionState,
} from '@hookstream/contracts';

/** One row per subscription; the columns mirror SubscriptionState (secrets stay encrypted). */
@Entity('subscriptions')
export class SubscriptionEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text', { name: 'organization_id' })
  organizationId: string;

  @Column('text')
  name: string;

  @Column('text')
  url: string;

  @Column('jsonb')
  events: string[];

  @Column('boolean')
  active: boolean;

  @Column('text')
  profile: Profile;

  @Column('text', { name: 'payload_template', nullable: true })
  payloadTemplate: string | null;

  @Column('jsonb')
  headers: Record<string, string>;

  @Column('jsonb', { name: 'retry_policy', nullable: true })
  retryPolicy: RetryPolicy | null;

  @Column('integer', { name: 'timeout_ms', nullable: true })
  timeoutMs: number | null;

  @Column('jsonb')
  metadata: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  filter: Record<string, unknown> | null;

  @Column('text')
  signature: SignatureScheme;

  @Column('text')
  ordering: Ordering;
  /** rateLimit.perSecond; null for no limit. */
  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond: number | null;

  @Column('jsonb')
  secrets: EncryptedSecret[];

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

export function toState(row: SubscriptionEntity): SubscriptionState {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    url: row.url,
    events: row.events,
    active: row.active,
    profile: row.profile,
    payloadTemplate: row.payloadTemplate,
    headers: row.headers,
    retryPolicy: row.retryPolicy,
    timeoutMs: row.timeoutMs,
    metadata: row.metadata,
    filter: row.filter,
    signature: row.signature,
    ordering: row.ordering,
    rateLimit: row.rateLimitPerSecond === null ? null : { perSecond: row.rateLimitPerSecond },
    secrets: row.secrets,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toRow(state: SubscriptionState): SubscriptionEntity {
  const { rateLimit, ...columns } = state;
  return Object.assign(new SubscriptionEntity(), {
    ...columns,
    rateLimitPerSecond: rateLimit?.perSecond ?? null,
    createdAt: new Date(state.createdAt),
    updatedAt: new Date(state.updatedAt),
  });
}
