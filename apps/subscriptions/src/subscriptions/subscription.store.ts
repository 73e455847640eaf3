import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  subscriptionChanged,
  subscriptionDeleted,
  type Clock,
  type IdGenerator,
  type SubscriptionFact,
  type SubscriptionState,
} from '@hookstream/contracts';
import { CLOCK, ID_GENERATOR } from '../subscriptions.tokens';
import { OutboxEntity } from '../outbox/outbox.entity';
import { OutboxRelay } from '../outbox/outbox.relay';
import { SubscriptionEntity, toRow, toState } from './subscription.entity';

/**
 * The `subscriptions` table and its outbox. Every write commits the row and its fact in one
 * transaction, so the change and its publication commit or roll back together, and wakes the
 * relay once committed. Changes lock the row first, which orders concurrent changes of one
 * subscription (and their outbox `seq`).
 */
@Injectable()
export class SubscriptionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async find(organizationId: string, id: string): Promise<SubscriptionState | null> {
    const row = await this.dataSource.getRepository(SubscriptionEntity).findOneBy({ id, organizationId });
    return row ? toState(row) : null;
  }

  /** Oldest first. */
  async list(
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: SubscriptionState[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(SubscriptionEntity).findAndCount({
      where: { organizationId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(toState), total };
  }

  /** Whether the organization's subscription carries every key and value of `metadata`. */
  async matchesMetadata(
    organizationId: string,
    id: string,
    metadata: Record<string, string>,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM subscriptions WHERE id = $1 AND organization_id = $2 AND metadata @> $3::jsonb',
      [id, organizationId, JSON.stringify(metadata)],
    );
    return rows.length > 0;
  }

  /** The organization's subscriptions whose metadata holds `metadata`, newest first. */
  async listMatchingMetadata(
    organizationId: string,
    metadata: Record<string, string>,
    page: { limit: number; offset: number },
  ): Promise<{ items: SubscriptionState[]; total: number }> {
    const [rows, total] = await this.dataSource
      .getRepository(SubscriptionEntity)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId })
      .andWhere('s.metadata @> CAST(:filter AS jsonb)', { filter: JSON.stringify(metadata) })
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .take(page.limit)
      .skip(page.offset)
      .getManyAndCount();
    return { items: rows.map(toState), total };
  }

  /** Writes a new subscription with its `subscription.changed` fact, dated `now`. */
  async insert(state: SubscriptionState, now: Date): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.insert(SubscriptionEntity, toRow(state) as QueryDeepPartialEntity<SubscriptionEntity>);
      await this.appendFact(em, state, (messageId) => subscriptionChanged(state, messageId, now), now);
    });
    this.relay.wake();
  }

  /**
   * Locks the row, computes the next state (null: no change, nothing written) and writes it with
   * its `subscription.changed` fact. What `next` throws rolls the transaction back. Answers the
   * state as it now is, or null when the organization has no such subscription.
   */
  async change(
    organizationId: string,
    id: string,
    next: (state: SubscriptionState, now: Date) => SubscriptionState | null,
  ): Promise<SubscriptionState | null> {
    let result: SubscriptionState | null = null;
    let wrote = false;
    await this.dataSource.transaction(async (em) => {
      const row = await this.lockRow(em, organizationId, id);
      if (!row) return;
      const current = toState(row);
      const now = this.clock.now();
      const state = next(current, now);
      result = state ?? current;
      if (!state) return;
      await em.update(
        SubscriptionEntity,
        { id: state.id },
        toRow(state) as QueryDeepPartialEntity<SubscriptionEntity>,
      );
      await this.appendFact(em, state, (messageId) => subscriptionChanged(state, messageId, now), now);
      wrote = true;
    });
    if (wrote) this.relay.wake();
    return result;
  }

  /** Deletes the subscription with its `subscription.deleted` fact; false when there is none. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const deleted = await this.dataSource.transaction(async (em) => {
      const row = await this.lockRow(em, organizationId, id);
      if (!row) return false;
      await em.delete(SubscriptionEntity, { id: row.id });
      const now = this.clock.now();
      await this.appendFact(em, row, (messageId) => subscriptionDeleted(row, messageId, now), now);
      return true;
    });
    if (deleted) this.relay.wake();
    return deleted;
  }

  private lockRow(em: EntityManager, organizationId: string, id: string): Promise<SubscriptionEntity | null> {
    return em.findOne(SubscriptionEntity, {
      where: { id, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The fact's message id is the outbox row's id, the Nats-Msg-Id the relay publishes it under. */
  private async appendFact(
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
}
