import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PortalAccess, type PortalScope } from '@hookstream/platform';
import { SubscriptionDirectory } from '../subscriptions/subscription-directory';

/** A portal session's metadata filter, checked against the subscriptions read from SUBSCRIPTIONS. */
@Injectable()
export class ProjectorPortalScope implements PortalScope, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: SubscriptionDirectory,
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
    return this.directory.matches(organizationId, subscriptionId, filter);
  }

  async dispatchVisible(
    organizationId: string,
    dispatchId: string,
    filter: Record<string, string>,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<Array<{ subscription_id: string }>>(
      'SELECT subscription_id FROM dispatches WHERE id = $1 AND organization_id = $2',
      [dispatchId, organizationId],
    );
    const row = rows[0];
    return row !== undefined && this.directory.matches(organizationId, row.subscription_id, filter);
  }
}
