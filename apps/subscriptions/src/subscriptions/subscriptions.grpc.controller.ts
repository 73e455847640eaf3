import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import { validateInput } from '../common/validation.rules';
import {
  DEFAULT_LIST_LIMIT,
  ListSubscriptionsQuery,
  ReplayDto,
  TestDeliveryDto,
} from './subscription-actions.dto';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './subscription.dto';
import {
  fromCreateRequest,
  fromUpdateRequest,
  type GrpcCircuit,
  type GrpcCreateRequest,
  type GrpcSubscription,
  type GrpcUpdateRequest,
  toGrpcCircuit,
  toGrpcSubscription,
} from './subscription.grpc-mapping';
import { toResponse } from './subscription.response';
import { parseJsonObject } from '../common/grpc.decode';
import { SubscriptionCircuitsService } from './subscription-circuits.service';
import { SubscriptionDeliveriesService } from './subscription-deliveries.service';
import { SubscriptionsService } from './subscriptions.service';

interface ById {
  id: string;
}

/** hookstream.v1.Subscriptions: the REST operations over gRPC, validated by the same DTOs. */
@Controller()
@UseGuards(ApiKeyGuard)
export class SubscriptionsGrpcController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly deliveries: SubscriptionDeliveriesService,
    private readonly circuits: SubscriptionCircuitsService,
  ) {}

  @GrpcMethod('Subscriptions', 'Create')
  async create(
    @Payload() request: GrpcCreateRequest,
    @CurrentTenant() tenant: Tenant,
  ): Promise<GrpcSubscription> {
    const dto = validateInput(CreateSubscriptionDto, fromCreateRequest(request));
    const { state, secret } = await this.subscriptions.create(tenant.organizationId, dto);
    return toGrpcSubscription(toResponse(state, secret));
  }

  @GrpcMethod('Subscriptions', 'Get')
  async get(@Payload() request: ById, @CurrentTenant() tenant: Tenant): Promise<GrpcSubscription> {
    const state = await this.subscriptions.get(tenant.organizationId, request.id);
    const circuit = await this.circuits.read(tenant.organizationId, request.id);
    return toGrpcSubscription({ ...toResponse(state), circuit });
  }

  @GrpcMethod('Subscriptions', 'Recover')
  async recover(@Payload() request: ById, @CurrentTenant() tenant: Tenant): Promise<GrpcCircuit> {
    return toGrpcCircuit(await this.circuits.recover(tenant.organizationId, request.id));
  }

  @GrpcMethod('Subscriptions', 'List')
  async list(
    @Payload() request: { limit?: number; offset?: number },
    @CurrentTenant() tenant: Tenant,
  ): Promise<{ items: GrpcSubscription[]; total: number; limit: number; offset: number }> {
    const query = validateInput(ListSubscriptionsQuery, { limit: request.limit, offset: request.offset });
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const offset = query.offset ?? 0;
    const { items, total } = await this.subscriptions.list(tenant.organizationId, { limit, offset });
    return { items: items.map((state) => toGrpcSubscription(toResponse(state))), total, limit, offset };
  }

  @GrpcMethod('Subscriptions', 'Update')
  async update(
    @Payload() request: GrpcUpdateRequest,
    @CurrentTenant() tenant: Tenant,
  ): Promise<GrpcSubscription> {
    const dto = validateInput(UpdateSubscriptionDto, fromUpdateRequest(request));
    const { state, secret } = await this.subscriptions.update(tenant.organizationId, request.id, dto);
    return toGrpcSubscription(toResponse(state, secret));
  }

  @GrpcMethod('Subscriptions', 'Delete')
  async remove(@Payload() request: ById, @CurrentTenant() tenant: Tenant): Promise<Record<string, never>> {
    await this.subscriptions.remove(tenant.organizationId, request.id);
    return {};
  }

  @GrpcMethod('Subscriptions', 'Test')
  async test(
    @Payload() request: ById & { event_type?: string; data_json?: string },
    @CurrentTenant() tenant: Tenant,
  ): Promise<{ dispatch_id: string }> {
    const dto = validateInput(TestDeliveryDto, {
      eventType: request.event_type,
      data: request.data_json === undefined ? undefined : parseJsonObject('data_json', request.data_json),
    });
    const { dispatchId } = await this.deliveries.test(tenant.organizationId, request.id, dto);
    return { dispatch_id: dispatchId };
  }

  @GrpcMethod('Subscriptions', 'RotateSecret')
  async rotateSecret(@Payload() request: ById, @CurrentTenant() tenant: Tenant): Promise<GrpcSubscription> {
    const { state, secret } = await this.subscriptions.rotateSecret(tenant.organizationId, request.id);
    return toGrpcSubscription(toResponse(state, secret));
  }

  @GrpcMethod('Subscriptions', 'Replay')
  async replay(
    @Payload() request: ById & { since: string; until?: string; only_failed: boolean },
    @CurrentTenant() tenant: Tenant,
  ): Promise<{ replay_id: string; count: number; truncated: boolean }> {
    const dto = validateInput(ReplayDto, {
      since: request.since,
      until: request.until,
      onlyFailed: request.only_failed,
    });
    const result = await this.deliveries.replay(tenant.organizationId, request.id, dto);
    return { replay_id: result.replayId, count: result.count, truncated: result.truncated };
  }
}
