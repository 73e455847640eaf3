import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiTags,
  getSchemaPath,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import { EventBatchDoc, EventEnvelopeDoc, IngestBatchResultDoc, IngestResultDoc } from './event.dto';
import { splitBatch } from './event-ingest.rules';
import { EventsService, type IngestResult } from './events.service';

@ApiTags('events')
@ApiBearerAuth('api-key')
@ApiHeader({ name: 'X-Organization-Id', required: false })
@ApiExtraModels(EventEnvelopeDoc, EventBatchDoc, IngestResultDoc, IngestBatchResultDoc)
@UseGuards(ApiKeyGuard)
@Controller('events')
export class EventsHttpController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({
    name: 'traceparent',
    required: false,
    description: 'W3C Trace Context of the caller: carried onto every delivery of the events.',
  })
  @ApiBody({
    description:
      'One event, or {"events": [...]} with up to 100; 400 refuses the whole request, nothing is stored.',
    schema: { oneOf: [{ $ref: getSchemaPath(EventEnvelopeDoc) }, { $ref: getSchemaPath(EventBatchDoc) }] },
  })
  @ApiAcceptedResponse({
    schema: {
      oneOf: [{ $ref: getSchemaPath(IngestResultDoc) }, { $ref: getSchemaPath(IngestBatchResultDoc) }],
    },
  })
  @ApiOperation({ operationId: 'publishEvents', summary: 'Publish one event or a batch of up to 100' })
  async ingest(
    @CurrentTenant() tenant: Tenant,
    @Body() body: unknown,
    @Headers('traceparent') traceparent?: string,
  ): Promise<IngestResult | { events: IngestResult[] }> {
    const { batch, events } = splitBatch(body);
    const results = await this.events.ingest(tenant.organizationId, events, batch, {
      via: 'http',
      traceparent,
    });
    return batch ? { events: results } : results[0]!;
  }
}
