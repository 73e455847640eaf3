import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ORDERINGS,
  PROFILES,
  SIGNATURE_SCHEMES,
  type Ordering,
  type Profile,
  type SignatureScheme,
  type SubscriptionState,
} from '@hookstream/contracts';
import { RateLimitDto, RetryPolicyDto } from './subscription.dto';
import { currentPublicKey } from './subscription-secrets.state';

/** A subscription as clients see it: never any secret, except `secret` on create and rotate. */
export class SubscriptionResponse {
  @ApiProperty({ example: 'wh_01JD4V8Q6Y2M7N3B5C9X0ZKTRY' }) id: string;
  @ApiProperty({ example: 'org_acme' }) organizationId: string;
  @ApiProperty({ example: 'Order workflows' }) name: string;
  @ApiProperty({ example: 'https://example.com/webhooks' }) url: string;
  @ApiProperty({ type: [String], example: ['workflow.*'] }) events: string[];
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ enum: PROFILES, example: 'standard' }) profile: Profile;
  @ApiProperty({ type: String, nullable: true, example: null }) payloadTemplate: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { 'X-Team': 'orders' } })
  headers: Record<string, string>;
  @ApiProperty({ type: RetryPolicyDto, nullable: true, example: null }) retryPolicy: RetryPolicyDto | null;
  @ApiProperty({ type: 'integer', nullable: true, example: null }) timeoutMs: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { owner: 'team-orders' } })
  metadata: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { 'data.status': 'FAILED' },
    description:
      'Payload filter (MongoDB-style query on the event); null when every selected event is delivered.',
  })
  filter: Record<string, unknown> | null;
  @ApiProperty({ enum: SIGNATURE_SCHEMES, example: 'hmac' }) signature: SignatureScheme;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'With `signature: "ed25519"`: the `whpk_` public key that verifies the `v1a` signatures (the current key; during a rotation the previous one signs too). null for HMAC.',
  })
  publicKey: string | null;
  @ApiProperty({
    enum: ORDERINGS,
    example: 'none',
    description:
      '`subject`: events with the same envelope `subject` are delivered one after another, in the order they were stored.',
  })
  ordering: Ordering;
  @ApiProperty({
    type: RateLimitDto,
    nullable: true,
    example: { perSecond: 20 },
    description: 'Requests per second to the endpoint across every dispatcher; null for no limit.',
  })
  rateLimit: RateLimitDto | null;
  @ApiProperty({ type: String, nullable: true, example: null }) disabledReason: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00.000Z' }) updatedAt: string;
  @ApiPropertyOptional({
    description: 'The signing secret: only in the responses of create and rotate-secret.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret?: string;
  @ApiPropertyOptional({
    description: "Only on GET /webhooks/:id: the endpoint's circuit as the dispatchers keep it.",
    type: 'object',
    additionalProperties: true,
  })
  circuit?: {
    state: 'closed' | 'open';
    since: string | null;
    consecutiveFailures: number;
    nextProbeAt: string | null;
    reason: string | null;
  };
}

export class SubscriptionListResponse {
  @ApiProperty({ type: [SubscriptionResponse] }) items: SubscriptionResponse[];
  @ApiProperty({ type: 'integer', example: 1 }) total: number;
  @ApiProperty({ type: 'integer', example: 50 }) limit: number;
  @ApiProperty({ type: 'integer', example: 0 }) offset: number;
}

export function toResponse(state: SubscriptionState, secret?: string): SubscriptionResponse {
  const response: SubscriptionResponse = {
    id: state.id,
    organizationId: state.organizationId,
    name: state.name,
    url: state.url,
    events: state.events,
    active: state.active,
    profile: state.profile,
    payloadTemplate: state.payloadTemplate,
    headers: state.headers,
    retryPolicy: state.retryPolicy,
    timeoutMs: state.timeoutMs,
    metadata: state.metadata,
    filter: state.filter,
    signature: state.signature,
    publicKey: currentPublicKey(state.secrets),
    ordering: state.ordering,
    rateLimit: state.rateLimit,
    disabledReason: state.disabledReason,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
  if (secret !== undefined) response.secret = secret;
  return response;
}
