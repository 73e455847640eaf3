import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, Max, Min } from 'class-validator';
import { Verbatim } from '@hookstream/platform';
import { Present } from '../common/validation.rules';

export const MAX_FILTER_TEST_EVENTS = 100;
export const DEFAULT_FILTER_TEST_EVENTS = 20;

export class FilterTestDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The filter to try; default the subscription's saved filter.",
    example: { 'data.status': 'FAILED' },
  })
  @Present()
  @IsObject()
  @Verbatim()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "One event to try it on, an envelope without the bookkeeping: `type` and `data` required; `source`, `subject`, `id`, `occurredAt` optional. Default: the organization's latest events.",
    example: { type: 'workflow.failed', data: { status: 'FAILED' } },
  })
  @Present()
  @IsObject()
  @Verbatim()
  event?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_FILTER_TEST_EVENTS,
    default: DEFAULT_FILTER_TEST_EVENTS,
    description: "How many of the organization's latest events to try (not with `event`).",
  })
  @Present()
  @IsInt()
  @Min(1)
  @Max(MAX_FILTER_TEST_EVENTS)
  last?: number;
}

export class FilterTestResult {
  @ApiProperty({ example: 'evt_01JD4V8Q6Y2M7N3B5C9X0ZKTRZ' }) eventId: string;
  @ApiProperty({ example: 'workflow.failed' }) type: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00.000Z' }) occurredAt: string;
  @ApiProperty({ description: "The subscription's event patterns select the type." }) selected: boolean;
  @ApiProperty({ description: 'The filter passes the event.' }) matched: boolean;
  @ApiProperty({ description: 'Both: the event would be delivered.' }) delivered: boolean;
}

export class FilterTestResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The filter that ran; null when there is none (every event passes).',
  })
  filter: Record<string, unknown> | null;
  @ApiProperty({ type: 'integer', example: 20 }) tested: number;
  @ApiProperty({ type: 'integer', example: 3 }) matched: number;
  @ApiProperty({ type: 'integer', example: 2 }) delivered: number;
  @ApiProperty({ type: [FilterTestResult], description: 'Newest first.' }) results: FilterTestResult[];
}
