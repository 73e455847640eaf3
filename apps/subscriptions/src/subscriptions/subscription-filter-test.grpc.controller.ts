import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import { defined, parseJsonObject } from '../common/grpc.decode';
import { validateInput } from '../common/validation.rules';
import { FilterTestDto, type FilterTestResponse } from './subscription-filter-test.dto';
import { SubscriptionFilterTestService } from './subscription-filter-test.service';

interface GrpcFilterTestRequest {
  id: string;
  filter_json?: string;
  event_json?: string;
  last?: number;
}

interface GrpcFilterTestResponse {
  filter_json?: string;
  tested: number;
  matched: number;
  delivered: number;
  results: Array<{
    event_id: string;
    type: string;
    occurred_at: string;
    selected: boolean;
    matched: boolean;
    delivered: boolean;
  }>;
}

/** The FilterTestDto-shaped object; `event_json` uses the REST spelling of the envelope (`occurredAt`). */
export function fromFilterTestRequest(request: GrpcFilterTestRequest): Record<string, unknown> {
  return defined({
    filter:
      request.filter_json === undefined ? undefined : parseJsonObject('filter_json', request.filter_json),
    event: request.event_json === undefined ? undefined : parseJsonObject('event_json', request.event_json),
    last: request.last,
  });
}

export function toGrpcFilterTest(response: FilterTestResponse): GrpcFilterTestResponse {
  const message: GrpcFilterTestResponse = {
    tested: response.tested,
    matched: response.matched,
    delivered: response.delivered,
    results: response.results.map((result) => ({
      event_id: result.eventId,
      type: result.type,
      occurred_at: result.occurredAt,
      selected: result.selected,
      matched: result.matched,
      delivered: result.delivered,
    })),
  };
  if (response.filter !== null) message.filter_json = JSON.stringify(response.filter);
  return message;
}

/** hookstream.v1.Subscriptions.TestFilter: POST /webhooks/:id/filter-test over gRPC, validated by the same DTO. */
@Controller()
@UseGuards(ApiKeyGuard)
export class SubscriptionFilterTestGrpcController {
  constructor(private readonly filterTests: SubscriptionFilterTestService) {}

  @GrpcMethod('Subscriptions', 'TestFilter')
  async testFilter(
    @Payload() request: GrpcFilterTestRequest,
    @CurrentTenant() tenant: Tenant,
  ): Promise<GrpcFilterTestResponse> {
    const dto = validateInput(FilterTestDto, fromFilterTestRequest(request));
    return toGrpcFilterTest(await this.filterTests.test(tenant.organizationId, request.id, dto));
  }
}
