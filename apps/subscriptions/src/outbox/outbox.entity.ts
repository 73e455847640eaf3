import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SubscriptionFact } from '@hookstream/contracts';

/**
 * One subscription change waiting for (or done with) its publish to SUBSCRIPTIONS. `seq` orders
 * the relay: it is taken inside the transaction that holds the subscription's row lock, so two
 * changes of one subscription always get increasing values.
 */
@Entity('subscription_outbox')
export class OutboxEntity {
  /** `obx_...`, the Nats-Msg-Id of the publish. */
  @PrimaryColumn('text')
  id: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column('text', { name: 'organization_id' })
  organizationId: string;

  @Column('text', { name: 'subscription_id' })
  subscriptionId: string;

  @Column('jsonb')
  fact: SubscriptionFact;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;
}
