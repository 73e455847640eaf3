import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentTenant, notFound, type Tenant } from '@hookstream/platform';
import { DeliveryLogQueries } from './delivery-log.queries';
import { LogPageDoc } from './log.docs';
import { DEFAULT_LOG_LIMIT, LogsQuery, toAttemptStatus, toLogEntry, type LogPage } from './log.dto';

/** Delivery logs (docs/architecture.md §5): every attempt, retries included, newest first. */
@ApiTags('logs')
@ApiBearerAuth('api-key')
@ApiHeader({
  name: 'X-Organization-Id',
  required: false,
  description: "Default: the key's default organization.",
})
@Controller('webhooks')
@UseGuards(ApiKeyGuard)
export class LogsHttpController {
  constructor(private readonly queries: DeliveryLogQueries) {}

  // Declared before ':id/logs' so that the literal path is never read as a subscription id.
  @Get('logs/all')
  @ApiOperation({
    operationId: 'listOrganizationLogs',
    summary: 'Every delivery attempt of the organization, newest first',
  })
  @ApiOkResponse({ type: LogPageDoc })
  all(@CurrentTenant() tenant: Tenant, @Query() query: LogsQuery): Promise<LogPage> {
    return this.page(tenant, query);
  }

  /**
   * 404 unless the subscription exists in the caller's organization or has deliveries there
   * (another organization's or an unknown id is 404; one not delivered to yet is an empty page).
   */
  @Get(':id/logs')
  @ApiOperation({
    operationId: 'listSubscriptionLogs',
    summary: "A subscription's delivery attempts, newest first",
  })
  @ApiOkResponse({ type: LogPageDoc, description: 'An empty page until something is delivered to it.' })
  async forSubscription(
    @CurrentTenant() tenant: Tenant,
    @Param('id') subscriptionId: string,
    @Query() query: LogsQuery,
  ): Promise<LogPage> {
    if (!(await this.queries.subscriptionKnown(tenant.organizationId, subscriptionId)))
      throw notFound(`webhook ${subscriptionId}`);
    return this.page(tenant, query, subscriptionId);
  }

  private async page(tenant: Tenant, query: LogsQuery, subscriptionId?: string): Promise<LogPage> {
    const limit = query.limit ?? DEFAULT_LOG_LIMIT;
    const offset = query.offset ?? 0;
    const { items, total } = await this.queries.listLogs({
      organizationId: tenant.organizationId,
      subscriptionId,
      eventType: query.eventType,
      status: query.status === undefined ? undefined : toAttemptStatus(query.status),
      limit,
      offset,
    });
    return { items: items.map(toLogEntry), total, limit, offset };
  }
}
