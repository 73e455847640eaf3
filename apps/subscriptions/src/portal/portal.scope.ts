import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SubscriptionState } from '@hookstream/contracts';
import { PortalAccess, type PortalScope } from '@hookstream/platform';
import { SubscriptionEntity, toState } from '../subscriptions/subscription.entity';

/** Subscriptions matching a portal session's metadata filter (jsonb containment). */
@Injectable()
export class PortalScopeQueries implements PortalScope, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: PortalAccess,
  ) {}

  onModuleInit(): void {
    this.access.useScope(this);
  }

  async subscriptionVisible(
    organizationId: string,
    subscriptionId: string,
    filter: Record<string, string>,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM subscriptions WHERE id = $1 AND organization_id = $2 AND metadata @> $3::jsonb',
      [subscriptionId, organizationId, JSON.stringify(filter)],
    );
    return rows.length > 0;
  }

  /** This service serves no dispatch routes. */
  async dispatchVisible(): Promise<boolean> {
    return false;
  }

  async list(
    organizationId: string,
    filter: Record<string, string>,
    page: { limit: number; offset: number },
  ): Promise<{ items: SubscriptionState[]; total: number }> {
    const [rows, total] = await this.dataSource
      .getRepository(SubscriptionEntity)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId })
      .andWhere('s.metadata @> CAST(:filter AS jsonb)', { filter: JSON.stringify(filter) })
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .take(page.limit)
      .skip(page.offset)
      .getManyAndCount();
    return { items: rows.map(toState), total };
  }
}
