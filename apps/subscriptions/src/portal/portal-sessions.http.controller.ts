import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentTenant, forbidden, type Tenant } from '@hookstream/platform';
import { sampleDataOf } from '@hookstream/contracts';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { SUBSCRIPTIONS_CONFIG } from '../subscriptions.tokens';
import { EventTypesService } from '../event-types/event-types.service';
import { DEFAULT_LIST_LIMIT, ListSubscriptionsQuery } from '../subscriptions/subscription-actions.dto';
import { SubscriptionListResponse, toResponse } from '../subscriptions/subscription.response';
import { CreatePortalSessionDto, PortalSessionResponse, toSessionView } from './portal-session.dto';
import { PortalSessionsService } from './portal-sessions.service';
import { PortalScopeQueries } from './portal-scope.queries';

/** Portal sessions: minted by the platform's backend with its API key, then used by the page. */
@ApiTags('portal')
@ApiBearerAuth('api-key')
@UseGuards(ApiKeyGuard)
@Controller('portal')
export class PortalSessionsHttpController {
  constructor(
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    private readonly scope: PortalScopeQueries,
    private readonly eventTypes: EventTypesService,
    private readonly sessions: PortalSessionsService,
  ) {}

  @Post('sessions')
  @HttpCode(201)
  @ApiCreatedResponse({ type: PortalSessionResponse })
  @ApiOperation({
    operationId: 'createPortalSession',
    summary: "Mint a link to the customer portal for one organization's endpoints",
  })
  create(
    @CurrentTenant() tenant: Tenant,
    @Body() body: CreatePortalSessionDto,
  ): Promise<PortalSessionResponse> {
    return this.sessions.create(tenant.organizationId, body);
  }

  @Get('session')
  @ApiExcludeEndpoint()
  session(@CurrentTenant() tenant: Tenant) {
    if (!tenant.portal) throw forbidden('this route needs a portal session token');
    return { ...toSessionView(tenant.portal), secretRotationGraceMs: this.config.secretRotationGraceMs };
  }

  /** The catalog with an example payload per type (the built-in sample; none for custom types). */
  @Get('event-types')
  @ApiExcludeEndpoint()
  async catalog(@CurrentTenant() tenant: Tenant) {
    const types = await this.eventTypes.typesOf(tenant.organizationId);
    return {
      items: types.map((entry) => ({
        name: entry.name,
        description: entry.description,
        schema: entry.schema,
        builtIn: entry.builtIn,
        example: sampleDataOf(entry.name) ?? null,
      })),
    };
  }

  /** The endpoints of the session: its organization's, narrowed to the session's metadata filter. */
  @Get('webhooks')
  @ApiExcludeEndpoint()
  async webhooks(
    @CurrentTenant() tenant: Tenant,
    @Query() query: ListSubscriptionsQuery,
  ): Promise<SubscriptionListResponse> {
    if (!tenant.portal) throw forbidden('this route needs a portal session token');
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const offset = query.offset ?? 0;
    const { items, total } = await this.scope.list(tenant.organizationId, tenant.portal.filter, {
      limit,
      offset,
    });
    return { items: items.map((state) => toResponse(state)), total, limit, offset };
  }
}
