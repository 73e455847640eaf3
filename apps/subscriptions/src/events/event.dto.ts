import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documentation of the ingest body; the envelope itself is checked by validateEnvelope and the catalog. */
export class EventEnvelopeDoc {
  @ApiPropertyOptional({
    example: 'evt_01JD...',
    description:
      '1-128 characters of [A-Za-z0-9_.:-]; the deduplication key. Generated (evt_...) when absent: send one, or an Idempotency-Key, to retry safely.',
  })
  id?: string;
  @ApiProperty({ example: 'workflow.completed', description: 'A registered event type.' }) type: string;
  @ApiPropertyOptional({ description: "Default: the request's organization; another one is refused (403)." })
  organizationId?: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiPropertyOptional() source?: string;
  @ApiPropertyOptional({ description: 'Ordering or grouping key.' }) subject?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "Validated against the type's JSON Schema.",
  })
  data: Record<string, unknown>;
}

export class EventBatchDoc {
  @ApiProperty({ type: [EventEnvelopeDoc], maxItems: 100 }) events: EventEnvelopeDoc[];
}

export class IngestResultDoc {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'An event with this id was already stored; it is not delivered again.' })
  duplicate: boolean;
}

export class IngestBatchResultDoc {
  @ApiProperty({ type: [IngestResultDoc] }) events: IngestResultDoc[];
}
