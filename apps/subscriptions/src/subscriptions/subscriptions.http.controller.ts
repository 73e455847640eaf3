import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import {
  DEFAULT_LIST_LIMIT,
  ListSubscriptionsQuery,
  ReplayDto,
  ReplayResponse,
  TestDeliveryDto,
  TestDeliveryResponse,
} from './subscription-actions.dto';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './subscription.dto';
import { FilterTestDto, FilterTestResponse } from './subscription-filter-test.dto';
import { SubscriptionFilterTestService } from './subscription-filter-test.service';
import { SubscriptionListResponse, SubscriptionResponse, toResponse } from './subscription.response';
import { CircuitResponse, SubscriptionCircuitsService } from './subscription-circuits.service';
import { SubscriptionDeliveriesService } from './subscription-deliveries.service';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('webhooks')
@ApiBearerAuth('api-key')
@ApiHeader({
  name: 'X-Organization-Id',
  required: false,
  description: "Default: the key's default organization.",
})
@UseGuards(ApiKeyGuard)
@Controller('webhooks')
export class SubscriptionsHttpController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly deliveries: SubscriptionDeliveriesService,
    private readonly circuits: SubscriptionCircuitsService,
    private readonly filterTests: SubscriptionFilterTestService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: SubscriptionResponse, description: 'Includes `secret`, shown this once.' })
  @ApiOperation({ operationId: 'createSubscription', summary: 'Create a subscription' })
  async create(
    @CurrentTenant() tenant: Tenant,
    @Body() body: CreateSubscriptionDto,
  ): Promise<SubscriptionResponse> {
    const { state, secret } = await this.subscriptions.create(tenant.organizationId, body);
    return toResponse(state, secret);
  }

  @Get()
  @ApiOkResponse({ type: SubscriptionListResponse })
  @ApiOperation({ operationId: 'listSubscriptions', summary: "List the organization's subscriptions" })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Query() query: ListSubscriptionsQuery,
  ): Promise<SubscriptionListResponse> {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const offset = query.offset ?? 0;
    const { items, total } = await this.subscriptions.list(tenant.organizationId, { limit, offset });
    return { items: items.map((state) => toResponse(state)), total, limit, offset };
  }

  @Get(':id')
  @ApiOkResponse({ type: SubscriptionResponse, description: 'With `circuit`: the endpoint circuit.' })
  @ApiOperation({ operationId: 'getSubscription', summary: 'Read a subscription and its endpoint circuit' })
  async get(@CurrentTenant() tenant: Tenant, @Param('id') id: string): Promise<SubscriptionResponse> {
    const state = await this.subscriptions.get(tenant.organizationId, id);
    const circuit = await this.circuits.read(tenant.organizationId, id);
    return { ...toResponse(state), circuit };
  }

  @Post(':id/recover')
  @HttpCode(202)
  @ApiOperation({ operationId: 'recoverSubscription', summary: "Close the endpoint's circuit now" })
  @ApiAcceptedResponse({
    type: CircuitResponse,
    description: "Closes the endpoint's circuit: every dispatcher drains its parked backlog at once.",
  })
  async recover(@CurrentTenant() tenant: Tenant, @Param('id') id: string): Promise<CircuitResponse> {
    return this.circuits.recover(tenant.organizationId, id);
  }

  @Patch(':id')
  @ApiOkResponse({
    type: SubscriptionResponse,
    description:
      'Includes `secret` only when `signature` changed to `hmac` (the new secret, shown this once).',
  })
  @ApiOperation({ operationId: 'updateSubscription', summary: 'Change some fields of a subscription' })
  async update(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: UpdateSubscriptionDto,
  ): Promise<SubscriptionResponse> {
    const { state, secret } = await this.subscriptions.update(tenant.organizationId, id, body);
    return toResponse(state, secret);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ operationId: 'deleteSubscription', summary: 'Delete a subscription' })
  async remove(@CurrentTenant() tenant: Tenant, @Param('id') id: string): Promise<void> {
    await this.subscriptions.remove(tenant.organizationId, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: TestDeliveryResponse })
  @ApiOperation({ operationId: 'sendTestEvent', summary: 'Deliver a test event to a subscription' })
  test(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: TestDeliveryDto,
  ): Promise<TestDeliveryResponse> {
    return this.deliveries.test(tenant.organizationId, id, body);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: SubscriptionResponse, description: 'Includes the new `secret`, shown this once.' })
  @ApiOperation({
    operationId: 'rotateSubscriptionSecret',
    summary: 'Rotate the signing secret; the old one signs beside it for the grace period',
  })
  async rotateSecret(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
  ): Promise<SubscriptionResponse> {
    const { state, secret } = await this.subscriptions.rotateSecret(tenant.organizationId, id);
    return toResponse(state, secret);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayResponse })
  @ApiOperation({
    operationId: 'replaySubscriptionEvents',
    summary: "Deliver a time range of the subscription's events again",
  })
  replay(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: ReplayDto,
  ): Promise<ReplayResponse> {
    return this.deliveries.replay(tenant.organizationId, id, body);
  }

  @Post(':id/filter-test')
  @HttpCode(200)
  @ApiOkResponse({ type: FilterTestResponse })
  @ApiOperation({
    operationId: 'testSubscriptionFilter',
    summary: "Try a payload filter on an event or on the organization's latest events",
  })
  filterTest(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: FilterTestDto,
  ): Promise<FilterTestResponse> {
    return this.filterTests.test(tenant.organizationId, id, body);
  }
}
