import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentTenant, notFound, type Tenant } from '@hookstream/platform';
import { DeliveryLogQueries } from '../logs/delivery-log.queries';
import { DispatchRetryService, type RetryStarted } from './dispatch-retry.service';
import {
  ApifyDispatchEnvelopeDoc,
  ApifyDispatchListEnvelopeDoc,
  RetryStartedEnvelopeDoc,
} from './dispatch.docs';
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
@ApiTags('dispatches')
@ApiBearerAuth('api-key')
@ApiHeader({
  name: 'X-Organization-Id',
  required: false,
  description: "Default: the key's default organization.",
})
@Controller()
@UseGuards(ApiKeyGuard)
export class DispatchesHttpController {
  constructor(
    private readonly queries: DeliveryLogQueries,
    private readonly retries: DispatchRetryService,
  ) {}

  @Get('v2/webhook-dispatches')
  @ApiOperation({
    operationId: 'listDispatches',
    summary: "The organization's dispatches, in Apify's list shape",
  })
  @ApiOkResponse({ type: ApifyDispatchListEnvelopeDoc })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Query() query: DispatchListQuery,
  ): Promise<{ data: ApifyList<ApifyDispatch> }> {
    return { data: await this.page(tenant, query) };
  }

  @Get('v2/webhook-dispatches/:dispatchId')
  @ApiOperation({
    operationId: 'getDispatch',
    summary: "One dispatch with one call per HTTP attempt, in Apify's shape",
  })
  @ApiOkResponse({ type: ApifyDispatchEnvelopeDoc })
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
  @ApiOperation({
    operationId: 'listSubscriptionDispatches',
    summary: "A subscription's dispatches, in Apify's list shape",
  })
  @ApiOkResponse({ type: ApifyDispatchListEnvelopeDoc })
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
  @ApiOperation({ operationId: 'retryDispatch', summary: 'Deliver a dispatch again now, as a new round' })
  @ApiAcceptedResponse({ type: RetryStartedEnvelopeDoc })
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
