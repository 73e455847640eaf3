import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROFILES, type Profile, type SubscriptionState } from '@hookstream/contracts';
import { RetryPolicyDto } from './subscription.dto';

/** A subscription as clients see it: never any secret, except `secret` on create and rotate. */
export class SubscriptionResponse {
  @ApiProperty({ example: 'wh_01JD...' }) id: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: PROFILES }) profile: Profile;
  @ApiProperty({ type: String, nullable: true }) payloadTemplate: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) headers: Record<string, string>;
  @ApiProperty({ type: RetryPolicyDto, nullable: true }) retryPolicy: RetryPolicyDto | null;
  @ApiProperty({ type: Number, nullable: true }) timeoutMs: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) disabledReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({
    description: 'The signing secret: only in the responses of create and rotate-secret.',
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
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
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
    disabledReason: state.disabledReason,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
  if (secret !== undefined) response.secret = secret;
  return response;
}
