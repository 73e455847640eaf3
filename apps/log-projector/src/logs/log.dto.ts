import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { EVENT_TYPE_PATTERN } from '@hookstream/contracts';
import type { AttemptStatus } from '../projection/delivery-log.rows';
import { isoOf, isoOrNull, type AttemptView } from '../tables/projection.sql';

export const LOG_STATUSES = ['succeeded', 'retrying', 'failed'] as const;
export type LogStatus = (typeof LOG_STATUSES)[number];

export const DEFAULT_LOG_LIMIT = 50;
export const MAX_LOG_LIMIT = 200;

/** Query of GET /webhooks/:id/logs and GET /webhooks/logs/all. */
export class LogsQuery {
  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_LOG_LIMIT, minimum: 1, maximum: MAX_LOG_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LOG_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ enum: LOG_STATUSES, description: 'Case-insensitive.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(LOG_STATUSES)
  status?: LogStatus;

  @ApiPropertyOptional({ example: 'workflow.completed', maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(EVENT_TYPE_PATTERN, { message: 'eventType must be a valid event type' })
  eventType?: string;
}

export const toAttemptStatus = (status: LogStatus): AttemptStatus => status.toUpperCase() as AttemptStatus;

/** One delivery attempt as the logs API shows it. */
export interface LogEntry {
  id: string;
  dispatchId: string;
  round: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: LogStatus;
  responseStatus: number | null;
  durationMs: number;
  errorMessage: string | null;
  responseBody: string | null;
  requestBody: string | null;
  requestHeaders: Record<string, string> | null;
  test: boolean;
  startedAt: string;
  finishedAt: string;
  nextAttemptAt: string | null;
}

export function toLogEntry(r: AttemptView): LogEntry {
  return {
    id: r.id,
    dispatchId: r.dispatch_id,
    round: r.round,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    eventType: r.event_type,
    attempt: r.attempt,
    status: r.status.toLowerCase() as LogStatus,
    responseStatus: r.response_status,
    durationMs: r.duration_ms,
    errorMessage: r.error_message,
    responseBody: r.response_body,
    requestBody: r.request_body,
    requestHeaders: r.request_headers,
    test: r.test,
    startedAt: isoOf(r.started_at),
    finishedAt: isoOf(r.finished_at),
    nextAttemptAt: isoOrNull(r.next_attempt_at),
  };
}

export interface LogPage {
  items: LogEntry[];
  total: number;
  limit: number;
  offset: number;
}
