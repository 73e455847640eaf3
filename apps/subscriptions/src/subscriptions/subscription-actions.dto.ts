import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsObject, IsString, Max, MaxLength, Min } from 'class-validator';
import { Present } from '../common/validation.rules';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 200;
/** One replay call scans and re-dispatches at most this many events; call again from the last one for more. */
export const MAX_REPLAY_EVENTS = 10_000;

export class ListSubscriptionsQuery {
  @ApiPropertyOptional({ default: DEFAULT_LIST_LIMIT, minimum: 1, maximum: MAX_LIST_LIMIT })
  @Present()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @Present()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class TestDeliveryDto {
  @ApiPropertyOptional({ default: 'workflow.completed', description: 'A registered event type.' })
  @Present()
  @IsString()
  @MaxLength(128)
  eventType?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Default: the type's sample data.",
  })
  @Present()
  @IsObject()
  data?: Record<string, unknown>;
}

export class TestDeliveryResponse {
  @ApiProperty({ example: 'dsp_...' }) dispatchId: string;
}

export class ReplayDto {
  @ApiProperty({
    example: '2026-11-22T00:00:00.000Z',
    format: 'date-time',
    description: 'Events stored from this time on.',
  })
  @IsISO8601({ strict: true })
  since: string;

  @ApiPropertyOptional({
    example: '2026-11-23T00:00:00.000Z',
    format: 'date-time',
    description: 'Events stored before this time; default now.',
  })
  @Present()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Only events whose latest delivery to this subscription failed.',
  })
  @Present()
  @IsBoolean()
  onlyFailed?: boolean;
}

export class ReplayResponse {
  @ApiProperty({
    example: 'rpl_01JD4V8Q6Y2M7N3B5C9X0ZKTRZ',
    description: 'The round id shared by every dispatch of this replay.',
  })
  replayId: string;
  @ApiProperty({
    type: 'integer',
    example: 12,
    description: `Dispatches started (at most ${MAX_REPLAY_EVENTS} per call).`,
  })
  count: number;
  @ApiProperty({
    example: false,
    description: `True when the scan stopped at ${MAX_REPLAY_EVENTS} events before \`until\`.`,
  })
  truncated: boolean;
}
