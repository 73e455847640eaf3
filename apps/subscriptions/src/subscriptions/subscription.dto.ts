import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ORDERINGS,
  PROFILES,
  RATE_LIMIT_PER_SECOND,
  SIGNATURE_SCHEMES,
  type Ordering,
  type Profile,
  type SignatureScheme,
} from '@hookstream/contracts';
import { Verbatim } from '@hookstream/platform';
import { Present } from '../common/validation.rules';
import type { SubscriptionDraft, SubscriptionPatch } from './subscription.state';

export const MAX_PATTERNS = 100;
export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 60_000;

export class RetryPolicyDto {
  @ApiProperty({
    type: [String],
    example: ['10s', '1m', '10m'],
    description: 'Delays after the first attempt.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  schedule: string[];
}

export class RateLimitDto {
  @ApiProperty({
    type: 'integer',
    minimum: RATE_LIMIT_PER_SECOND.min,
    maximum: RATE_LIMIT_PER_SECOND.max,
    example: 20,
    description: 'Requests per second to the endpoint, across every dispatcher together.',
  })
  @IsInt()
  @Min(RATE_LIMIT_PER_SECOND.min)
  @Max(RATE_LIMIT_PER_SECOND.max)
  perSecond: number;
}

/** Fields shared by create and update; on update every field is optional. */
class SubscriptionFieldsDto {
  @ApiPropertyOptional({ description: 'Wire format of bodies and signature headers.', enum: PROFILES })
  @Present()
  @IsIn(PROFILES)
  profile?: Profile;

  @ApiPropertyOptional({
    type: String,
    description: 'JSON template with {{variables}}; null for the profile body.',
    nullable: true,
    example: '{"kind": "{{eventType}}", "run": {{resource}}}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16_384)
  payloadTemplate?: string | null;

  @ApiPropertyOptional({
    description: 'Custom request headers, at most 20.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @Present()
  @IsObject()
  @Verbatim()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: RetryPolicyDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: MIN_TIMEOUT_MS,
    maximum: MAX_TIMEOUT_MS,
    nullable: true,
    description: 'Per-attempt timeout; null for the default (15 s).',
    example: 15000,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_TIMEOUT_MS)
  @Max(MAX_TIMEOUT_MS)
  timeoutMs?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Free-form, at most 16 KiB.',
  })
  @Present()
  @IsObject()
  @Verbatim()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'Payload filter: a MongoDB-style query on the event (`type`, `source`, `subject`, `data`, `metadata`), at most 4 KiB; null delivers every event the patterns select.',
    example: { 'data.status': { $in: ['FAILED', 'TIMED_OUT'] } },
  })
  @IsOptional()
  @IsObject()
  @Verbatim()
  filter?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    enum: SIGNATURE_SCHEMES,
    default: 'hmac',
    description:
      '`hmac`: a shared secret signs `v1` HMAC-SHA256. `ed25519` (standard profile only): Hookstream keeps a key pair and signs `v1a`; receivers verify with `publicKey`.',
  })
  @Present()
  @IsIn(SIGNATURE_SCHEMES)
  signature?: SignatureScheme;

  @ApiPropertyOptional({
    enum: ORDERINGS,
    default: 'none',
    description:
      '`none`: each dispatch is delivered as soon as it can be. `subject`: events with the same envelope `subject` are delivered one after another in the order they were stored, a failing one holding back only its own subject until it succeeds or finally fails; events without a subject are ordered among themselves.',
  })
  @Present()
  @IsIn(ORDERINGS)
  ordering?: Ordering;

  @ApiPropertyOptional({
    type: RateLimitDto,
    nullable: true,
    description:
      'Caps the requests sent to the endpoint; deliveries beyond it wait (not failed, not counted as attempts). null: no limit (429 and 503 answers still slow the endpoint down).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;

  @ApiPropertyOptional({ description: 'Signing secret (write-only), whsec_<base64> or 8-255 characters.' })
  @Present()
  @IsString()
  @MaxLength(255)
  secret?: string;

  @ApiPropertyOptional({ default: true })
  @Present()
  @IsBoolean()
  active?: boolean;
}

export class CreateSubscriptionDto extends SubscriptionFieldsDto {
  @ApiProperty({ example: 'Order workflows', minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  name: string;

  @ApiProperty({ maxLength: 2048, example: 'https://example.com/webhooks' })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({
    type: [String],
    example: ['workflow.*'],
    description: 'Event type patterns: exact, prefix.*, prefix.> or *.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PATTERNS)
  @IsString({ each: true })
  events: string[];
}

export class UpdateSubscriptionDto extends SubscriptionFieldsDto {
  @ApiPropertyOptional({ example: 'Order workflows', minLength: 1, maxLength: 255 })
  @Present()
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ example: 'https://example.com/webhooks', maxLength: 2048 })
  @Present()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: ['workflow.*'], type: [String] })
  @Present()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PATTERNS)
  @IsString({ each: true })
  events?: string[];
}

export function toDraft(dto: CreateSubscriptionDto): SubscriptionDraft {
  return {
    name: dto.name,
    url: dto.url,
    events: [...dto.events],
    active: dto.active ?? true,
    profile: dto.profile ?? 'standard',
    payloadTemplate: dto.payloadTemplate ?? null,
    headers: { ...(dto.headers ?? {}) },
    retryPolicy: dto.retryPolicy ? { schedule: [...dto.retryPolicy.schedule] } : null,
    timeoutMs: dto.timeoutMs ?? null,
    metadata: dto.metadata ?? {},
    filter: dto.filter ?? null,
    signature: dto.signature ?? 'hmac',
    ordering: dto.ordering ?? 'none',
    rateLimit: dto.rateLimit ? { perSecond: dto.rateLimit.perSecond } : null,
  };
}

/** Only the fields the caller sent; null stays null (it clears the field). */
export function toPatch(dto: UpdateSubscriptionDto): SubscriptionPatch {
  const patch: SubscriptionPatch = {};
  if (dto.name !== undefined) patch.name = dto.name;
  if (dto.url !== undefined) patch.url = dto.url;
  if (dto.events !== undefined) patch.events = [...dto.events];
  if (dto.active !== undefined) patch.active = dto.active;
  if (dto.profile !== undefined) patch.profile = dto.profile;
  if (dto.payloadTemplate !== undefined) patch.payloadTemplate = dto.payloadTemplate;
  if (dto.headers !== undefined) patch.headers = { ...dto.headers };
  if (dto.retryPolicy !== undefined)
    patch.retryPolicy = dto.retryPolicy === null ? null : { schedule: [...dto.retryPolicy.schedule] };
  if (dto.timeoutMs !== undefined) patch.timeoutMs = dto.timeoutMs;
  if (dto.metadata !== undefined) patch.metadata = dto.metadata;
  if (dto.filter !== undefined) patch.filter = dto.filter;
  if (dto.signature !== undefined) patch.signature = dto.signature;
  if (dto.ordering !== undefined) patch.ordering = dto.ordering;
  if (dto.rateLimit !== undefined)
    patch.rateLimit = dto.rateLimit === null ? null : { perSecond: dto.rateLimit.perSecond };
  return patch;
}
