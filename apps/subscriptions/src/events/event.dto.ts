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
  @ApiPropertyOptional({
    example: 'org_acme',
    description: "Default: the request's organization; another one is refused (403).",
  })
  organizationId?: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z', format: 'date-time' }) occurredAt: string;
  @ApiPropertyOptional({ example: 'workflow-engine' }) source?: string;
  @ApiPropertyOptional({ example: 'wf_3kT9pQ2xLm', description: 'Ordering or grouping key.' })
  subject?: string;
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
  @ApiProperty({ example: 'evt_01JD4V8Q6Y2M7N3B5C9X0ZKTRW' }) id: string;
  @ApiProperty({
    example: false,
    description: 'An event with this id was already stored; it is not delivered again.',
  })
  duplicate: boolean;
}

export class IngestBatchResultDoc {
  @ApiProperty({ type: [IngestResultDoc] }) events: IngestResultDoc[];
}
