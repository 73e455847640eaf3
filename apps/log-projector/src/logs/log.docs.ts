import { ApiProperty } from '@nestjs/swagger';
import { LOG_STATUSES, type LogEntry, type LogPage, type LogStatus } from './log.dto';

/** Documentation of one log entry (the shape is LogEntry, built by toLogEntry). */
export class LogEntryDoc implements LogEntry {
  @ApiProperty({ example: 'att_01JD4V8Q6Y2M7N3B5C9X0ZKTRW' }) id: string;
  @ApiProperty({
    example: 'dsp_3f9c2a7be1d04c55',
    description: 'The same on every attempt, sent as webhook-id.',
  })
  dispatchId: string;
  @ApiProperty({
    example: 'rnd_01JD4V8Q6Y2M7N3B5C9X0ZKTRX',
    description: 'First delivery, replay or manual retry.',
  })
  round: string;
  @ApiProperty({ example: 'wh_01JD4V8Q6Y2M7N3B5C9X0ZKTRY' }) subscriptionId: string;
  @ApiProperty({ example: 'evt_01JD4V8Q6Y2M7N3B5C9X0ZKTRW' }) eventId: string;
  @ApiProperty({ example: 'workflow.completed' }) eventType: string;
  @ApiProperty({ type: 'integer', example: 1, minimum: 1 }) attempt: number;
  @ApiProperty({ enum: LOG_STATUSES, example: 'succeeded' }) status: LogStatus;
  @ApiProperty({ type: 'integer', nullable: true, example: 200 }) responseStatus: number | null;
  @ApiProperty({ type: 'integer', example: 84 }) durationMs: number;
  @ApiProperty({ type: String, nullable: true, example: null }) errorMessage: string | null;
  @ApiProperty({ type: String, nullable: true, example: '{"ok":true}', description: 'At most 4 KiB.' })
  responseBody: string | null;
  @ApiProperty({ type: String, nullable: true, example: '{"type":"workflow.completed","data":{}}' })
  requestBody: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: {
      'Content-Type': 'application/json',
      'webhook-id': 'dsp_3f9c2a7be1d04c55',
      'webhook-timestamp': '1795428000',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    },
    description:
      'The headers as sent; values of custom headers that look like credentials are masked. Null when no request was sent, and for attempts recorded before headers were.',
  })
  requestHeaders: Record<string, string> | null;
  @ApiProperty({ example: false, description: 'A test delivery (POST /webhooks/{id}/test).' }) test: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00.120Z' }) startedAt: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00.204Z' }) finishedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) nextAttemptAt:
    string | null;
}

export class LogPageDoc implements LogPage {
  @ApiProperty({ type: [LogEntryDoc] }) items: LogEntryDoc[];
  @ApiProperty({ type: 'integer', example: 1 }) total: number;
  @ApiProperty({ type: 'integer', example: 50 }) limit: number;
  @ApiProperty({ type: 'integer', example: 0 }) offset: number;
}
