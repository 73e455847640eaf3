import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PortalAccess, type PortalScope } from '@hookstream/platform';
import { SubscriptionDirectory } from '../subscriptions/subscription-directory.consumer';
import { PortalQueries } from './portal.queries';

/** A portal session's metadata filter, checked against the subscriptions read from SUBSCRIPTIONS. */
@Injectable()
export class ProjectorPortalScope implements PortalScope, OnModuleInit {
  constructor(
    private readonly queries: PortalQueries,
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
    const subscriptionId = await this.queries.subscriptionOfDispatch(organizationId, dispatchId);
    return subscriptionId !== null && this.directory.matches(organizationId, subscriptionId, filter);
  }
}
