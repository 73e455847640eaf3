import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { SubscriptionState } from '@hookstream/contracts';
import { PortalAccess, type PortalScope } from '@hookstream/platform';
import { SubscriptionStore } from '../subscriptions/subscription.store';

/** Subscriptions matching a portal session's metadata filter. */
@Injectable()
export class PortalScopeQueries implements PortalScope, OnModuleInit {
  constructor(
    private readonly subscriptions: SubscriptionStore,
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
    return this.subscriptions.matchesMetadata(organizationId, subscriptionId, filter);
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
    return this.subscriptions.listMatchingMetadata(organizationId, filter, page);
  }
}
