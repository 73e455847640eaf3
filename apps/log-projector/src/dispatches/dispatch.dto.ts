import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { isoOf, isoOrNull, type AttemptRecord } from '../tables/projection.sql';
import type { DispatchWithCalls } from '../logs/delivery-log.queries';

/** Apify's list limit: its default is also its maximum. */
export const MAX_DISPATCH_LIMIT = 1000;

/** Apify's list parameters; `desc` arrives as 1/0 from apify-client, true/false from people. */
export class DispatchListQuery {
  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({
    type: 'integer',
    default: MAX_DISPATCH_LIMIT,
    minimum: 1,
    maximum: MAX_DISPATCH_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_DISPATCH_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    type: 'boolean',
    default: false,
    description: 'Newest first; 1/0 are accepted too.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'desc must be true, false, 1 or 0' })
  desc?: boolean;
}

/** One HTTP attempt, as in Apify's `calls[]`. */
export interface ApifyCall {
  startedAt: string | null;
  finishedAt: string | null;
  errorMessage: string | null;
  responseStatus: number | null;
  responseBody: string | null;
}

/** GET /v2/webhook-dispatches/:dispatchId (seed 004). userId is the organization, webhookId the subscription. */
export interface ApifyDispatch {
  id: string;
  userId: string;
  webhookId: string;
  createdAt: string;
  status: 'ACTIVE' | 'SUCCEEDED' | 'FAILED';
  eventType: string;
  eventData: Record<string, unknown> | null;
  calls: ApifyCall[];
}

export interface ApifyList<T> {
  total: number;
  offset: number;
  limit: number;
  count: number;
  desc: boolean;
  items: T[];
}

export function toApifyCall(r: AttemptRecord): ApifyCall {
  return {
    startedAt: isoOf(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
    errorMessage: r.error_message,
    responseStatus: r.response_status,
    responseBody: r.response_body,
  };
}

export function toApifyDispatch({ dispatch, calls }: DispatchWithCalls): ApifyDispatch {
  return {
    id: dispatch.id,
    userId: dispatch.organization_id,
    webhookId: dispatch.subscription_id,
    createdAt: isoOf(dispatch.created_at),
    status: dispatch.status as ApifyDispatch['status'],
    eventType: dispatch.event_type,
    eventData: dispatch.event_data,
    calls: calls.map(toApifyCall),
  };
}
