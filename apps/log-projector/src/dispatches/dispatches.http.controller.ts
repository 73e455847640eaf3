import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentTenant, notFound, type Tenant } from '@hookstream/platform';
import { DeliveryLogQueries } from '../logs/delivery-log.queries';
import { DispatchRetryService, type RetryStarted } from './dispatch-retry.service';
import {
  DispatchListQuery,
  MAX_DISPATCH_LIMIT,
  toApifyDispatch,
  type ApifyDispatch,
  type ApifyList,
} from './dispatch.dto';

/** Apify's clients treat exactly this error type as "not found" (and return undefined). */
const recordNotFound = (what: string) => notFound(what, { type: 'record-not-found' });

/** The webhook dispatch resource in Apify's API v2 shape, so that Apify's own client reads it. */
@Controller()
@UseGuards(ApiKeyGuard)
export class DispatchesHttpController {
  constructor(
    private readonly queries: DeliveryLogQueries,
    private readonly retries: DispatchRetryService,
  ) {}

  @Get('v2/webhook-dispatches')
  async list(
    @CurrentTenant() tenant: Tenant,
    @Query() query: DispatchListQuery,
  ): Promise<{ data: ApifyList<ApifyDispatch> }> {
    return { data: await this.page(tenant, query) };
  }

  @Get('v2/webhook-dispatches/:dispatchId')
  async get(
    @CurrentTenant() tenant: Tenant,
    @Param('dispatchId') dispatchId: string,
  ): Promise<{ data: ApifyDispatch }> {
    const found = await this.queries.getDispatch(tenant.organizationId, dispatchId);
    if (!found) throw recordNotFound(`webhook dispatch ${dispatchId}`);
    return { data: toApifyDispatch(found) };
  }

  /** Known subscriptions only, as for the logs: existing in the caller's organization, or with dispatches there. */
  @Get('v2/webhooks/:id/dispatches')
  async forWebhook(
    @CurrentTenant() tenant: Tenant,
    @Param('id') subscriptionId: string,
    @Query() query: DispatchListQuery,
  ): Promise<{ data: ApifyList<ApifyDispatch> }> {
    if (!(await this.queries.subscriptionKnown(tenant.organizationId, subscriptionId)))
      throw recordNotFound(`webhook ${subscriptionId}`);
    return { data: await this.page(tenant, query, subscriptionId) };
  }

  /** Delivers the dispatch again now: a new round with the same event and body. */
  @Post('webhook-dispatches/:dispatchId/retry')
  @HttpCode(202)
  async retry(
    @CurrentTenant() tenant: Tenant,
    @Param('dispatchId') dispatchId: string,
  ): Promise<{ data: RetryStarted }> {
    return { data: await this.retries.retry(tenant.organizationId, dispatchId) };
  }

  private async page(tenant: Tenant, query: DispatchListQuery, subscriptionId?: string) {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? MAX_DISPATCH_LIMIT;
    const desc = query.desc ?? false;
    const { items, total } = await this.queries.listDispatches({
      organizationId: tenant.organizationId,
      subscriptionId,
      offset,
      limit,
      desc,
    });
    return { total, offset, limit, count: items.length, desc, items: items.map(toApifyDispatch) };
  }
}
