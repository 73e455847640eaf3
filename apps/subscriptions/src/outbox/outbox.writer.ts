import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { IdGenerator, SubscriptionFact } from '@hookstream/contracts';
import { ID_GENERATOR } from '../subscriptions.tokens';
import { OutboxEntity } from './outbox.entity';
import { OutboxRelay } from './outbox.relay';

/**
 * Writes a subscription change to the outbox inside the caller's transaction, so the change and
 * its publication commit or roll back together; `committed()` wakes the relay afterwards.
 */
@Injectable()
export class OutboxWriter {
  constructor(
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly relay: OutboxRelay,
  ) {}

  async append(
    em: EntityManager,
    subscription: { id: string; organizationId: string },
    fact: (messageId: string) => SubscriptionFact,
    now: Date,
  ): Promise<void> {
    const id = this.ids.next('obx');
    const row: Omit<OutboxEntity, 'seq'> = {
      id,
      organizationId: subscription.organizationId,
      subscriptionId: subscription.id,
      fact: fact(id),
      createdAt: now,
      publishedAt: null,
    };
    // TypeORM's insert type cannot follow jsonb columns of union types; the row is complete.
    await em.insert(OutboxEntity, row as QueryDeepPartialEntity<OutboxEntity>);
  }

  committed(): void {
    this.relay.wake();
  }
}
