import { ApiProperty } from '@nestjs/swagger';
import type { ApifyCall, ApifyDispatch } from './dispatch.dto';

/** Documentation of the Apify-shaped dispatch resource (built by toApifyDispatch). */
export class ApifyCallDoc implements ApifyCall {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-23T10:00:00.120Z' })
  startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-23T10:00:00.204Z' })
  finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) errorMessage: string | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 200 }) responseStatus: number | null;
  @ApiProperty({ type: String, nullable: true, example: '{"ok":true}' }) responseBody: string | null;
}

export class ApifyDispatchDoc implements ApifyDispatch {
  @ApiProperty({ example: 'dsp_3f9c2a7be1d04c55' }) id: string;
  @ApiProperty({ example: 'org_acme', description: 'The organization.' }) userId: string;
  @ApiProperty({ example: 'wh_01JD4V8Q6Y2M7N3B5C9X0ZKTRY', description: 'The subscription.' })
  webhookId: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00.100Z' }) createdAt: string;
  @ApiProperty({ enum: ['ACTIVE', 'SUCCEEDED', 'FAILED'], example: 'SUCCEEDED' })
  status: 'ACTIVE' | 'SUCCEEDED' | 'FAILED';
  @ApiProperty({ example: 'ACTOR.RUN.SUCCEEDED' }) eventType: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { actorId: 'act_1', actorRunId: 'run_1' },
  })
  eventData: Record<string, unknown> | null;
  @ApiProperty({ type: [ApifyCallDoc], description: 'One per HTTP attempt, over every round.' })
  calls: ApifyCallDoc[];
}

export class ApifyDispatchEnvelopeDoc {
  @ApiProperty({ type: ApifyDispatchDoc }) data: ApifyDispatchDoc;
}

export class ApifyDispatchListDoc {
  @ApiProperty({ type: 'integer', example: 1 }) total: number;
  @ApiProperty({ type: 'integer', example: 0 }) offset: number;
  @ApiProperty({ type: 'integer', example: 1000 }) limit: number;
  @ApiProperty({ type: 'integer', example: 1 }) count: number;
  @ApiProperty({ example: false }) desc: boolean;
  @ApiProperty({ type: [ApifyDispatchDoc] }) items: ApifyDispatchDoc[];
}

export class ApifyDispatchListEnvelopeDoc {
  @ApiProperty({ type: ApifyDispatchListDoc }) data: ApifyDispatchListDoc;
}

export class RetryStartedDoc {
  @ApiProperty({ example: 'dsp_3f9c2a7be1d04c55' }) dispatchId: string;
  @ApiProperty({ example: 'rnd_01JD4V8Q6Y2M7N3B5C9X0ZKTRX', description: 'The new round.' }) round: string;
}

export class RetryStartedEnvelopeDoc {
  @ApiProperty({ type: RetryStartedDoc }) data: RetryStartedDoc;
}
