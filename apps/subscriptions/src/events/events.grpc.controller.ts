import { Controller, UseGuards } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { Ctx, GrpcMethod, Payload } from '@nestjs/microservices';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import { defined, parseJsonObject } from '../common/grpc.decode';
import { SubscriptionsMetrics } from '../subscriptions.metrics';
import { EventsService, type IngestResult } from './events.service';

interface GrpcEvent {
  id: string;
  type: string;
  organization_id?: string;
  occurred_at: string;
  source?: string;
  subject?: string;
  data_json: string;
}

/**
 * hookstream.v1.Events.Publish: the envelope rebuilt from the message, then the same checks as
 * POST /events; `traceparent` metadata is carried onto the deliveries like the HTTP header.
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class EventsGrpcController {
  constructor(
    private readonly events: EventsService,
    private readonly metrics: SubscriptionsMetrics,
  ) {}

  @GrpcMethod('Events', 'Publish')
  async publish(
    @Payload() request: { events: GrpcEvent[] },
    @CurrentTenant() tenant: Tenant,
    @Ctx() metadata: Metadata,
  ): Promise<{ results: IngestResult[] }> {
    const envelopes = request.events.map((event, index) =>
      defined({
        id: event.id,
        type: event.type,
        organizationId: event.organization_id,
        occurredAt: event.occurred_at,
        source: event.source,
        subject: event.subject,
        data: this.data(`events[${index}].data_json`, event.data_json),
      }),
    );
    const traceparent = metadata.get('traceparent')[0]?.toString();
    return {
      results: await this.events.ingest(tenant.organizationId, envelopes, true, { via: 'grpc', traceparent }),
    };
  }

  private data(field: string, text: string): Record<string, unknown> {
    try {
      return parseJsonObject(field, text);
    } catch (error) {
      this.metrics.refused('invalid_json');
      throw error;
    }
  }
}
