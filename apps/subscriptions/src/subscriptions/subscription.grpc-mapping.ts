import { validationFailed } from '@hookstream/platform';
import { defined, parseJsonObject } from '../common/grpc.decode';
import type { CircuitResponse } from './subscription-circuits.service';
import type { SubscriptionResponse } from './subscription.response';

/** hookstream.v1 messages as @grpc/proto-loader hands them over (keepCase, defaults, oneofs). */
export interface GrpcRetryPolicy {
  schedule: string[];
}

export interface GrpcRateLimit {
  per_second: number;
}

export interface GrpcCreateRequest {
  name: string;
  url: string;
  events: string[];
  active?: boolean;
  secret?: string;
  headers: Record<string, string>;
  profile?: string;
  payload_template?: string;
  retry_policy?: GrpcRetryPolicy;
  timeout_ms?: number;
  metadata_json?: string;
  filter_json?: string;
  signature?: string;
  ordering?: string;
  rate_limit?: GrpcRateLimit;
}

export interface GrpcUpdateRequest {
  id: string;
  name?: string;
  url?: string;
  events: string[];
  active?: boolean;
  secret?: string;
  headers: Record<string, string>;
  replace_headers: boolean;
  profile?: string;
  payload_template?: string;
  retry_policy?: GrpcRetryPolicy;
  timeout_ms?: number;
  metadata_json?: string;
  filter_json?: string;
  signature?: string;
  ordering?: string;
  rate_limit?: GrpcRateLimit;
  clear_rate_limit?: boolean;
}

export interface GrpcSubscription {
  id: string;
  organization_id: string;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  profile: string;
  payload_template?: string;
  headers: Record<string, string>;
  retry_policy?: GrpcRetryPolicy;
  timeout_ms?: number;
  metadata_json: string;
  disabled_reason?: string;
  filter_json?: string;
  signature: string;
  public_key?: string;
  ordering: string;
  created_at: string;
  updated_at: string;
  secret?: string;
  circuit?: GrpcCircuit;
  rate_limit?: GrpcRateLimit;
}

export interface GrpcCircuit {
  state: 'closed' | 'open';
  since?: string;
  consecutive_failures: number;
  next_probe_at?: string;
  reason?: string;
}

/** The CreateSubscriptionDto-shaped object: the same class-validator rules then apply as over HTTP. */
export function fromCreateRequest(request: GrpcCreateRequest): Record<string, unknown> {
  return defined({
    name: request.name,
    url: request.url,
    events: request.events,
    active: request.active,
    secret: request.secret,
    headers: request.headers,
    profile: request.profile,
    payloadTemplate: request.payload_template,
    retryPolicy: request.retry_policy ? { schedule: request.retry_policy.schedule } : undefined,
    timeoutMs: request.timeout_ms,
    metadata:
      request.metadata_json === undefined
        ? undefined
        : parseJsonObject('metadata_json', request.metadata_json),
    filter:
      request.filter_json === undefined ? undefined : parseJsonObject('filter_json', request.filter_json),
    signature: request.signature,
    ordering: request.ordering,
    rateLimit: request.rate_limit ? { perSecond: request.rate_limit.per_second } : undefined,
  });
}

/** proto3 cannot send null: empty values clear the nullable fields (see subscriptions.proto). */
export function fromUpdateRequest(request: GrpcUpdateRequest): Record<string, unknown> {
  const retryPolicy = request.retry_policy;
  return defined({
    name: request.name,
    url: request.url,
    events: request.events.length > 0 ? request.events : undefined,
    active: request.active,
    secret: request.secret,
    headers: request.replace_headers ? request.headers : undefined,
    profile: request.profile,
    payloadTemplate: request.payload_template === undefined ? undefined : request.payload_template || null,
    retryPolicy:
      retryPolicy === undefined
        ? undefined
        : retryPolicy.schedule.length === 0
          ? null
          : { schedule: retryPolicy.schedule },
    timeoutMs: request.timeout_ms === undefined ? undefined : request.timeout_ms || null,
    metadata:
      request.metadata_json === undefined
        ? undefined
        : parseJsonObject('metadata_json', request.metadata_json),
    filter:
      request.filter_json === undefined
        ? undefined
        : request.filter_json === ''
          ? null
          : parseJsonObject('filter_json', request.filter_json),
    signature: request.signature,
    ordering: request.ordering,
    rateLimit: updatedRateLimit(request),
  });
}

/** Absent: unchanged; `clear_rate_limit`: null (no limit); both at once is refused, as it means nothing. */
function updatedRateLimit(request: GrpcUpdateRequest): { perSecond: number } | null | undefined {
  if (request.clear_rate_limit && request.rate_limit)
    throw validationFailed('rate_limit and clear_rate_limit cannot be sent together');
  if (request.clear_rate_limit) return null;
  return request.rate_limit ? { perSecond: request.rate_limit.per_second } : undefined;
}

export function toGrpcSubscription(response: SubscriptionResponse): GrpcSubscription {
  const message: GrpcSubscription = {
    id: response.id,
    organization_id: response.organizationId,
    name: response.name,
    url: response.url,
    events: response.events,
    active: response.active,
    profile: response.profile,
    headers: response.headers,
    metadata_json: JSON.stringify(response.metadata),
    created_at: response.createdAt,
    updated_at: response.updatedAt,
    signature: response.signature,
    ordering: response.ordering,
  };
  if (response.filter !== null) message.filter_json = JSON.stringify(response.filter);
  if (response.publicKey !== null) message.public_key = response.publicKey;
  if (response.payloadTemplate !== null) message.payload_template = response.payloadTemplate;
  if (response.retryPolicy !== null) message.retry_policy = { schedule: response.retryPolicy.schedule };
  if (response.timeoutMs !== null) message.timeout_ms = response.timeoutMs;
  if (response.disabledReason !== null) message.disabled_reason = response.disabledReason;
  if (response.secret !== undefined) message.secret = response.secret;
  if (response.circuit !== undefined) message.circuit = toGrpcCircuit(response.circuit);
  if (response.rateLimit !== null) message.rate_limit = { per_second: response.rateLimit.perSecond };
  return message;
}

export function toGrpcCircuit(circuit: CircuitResponse): GrpcCircuit {
  const message: GrpcCircuit = { state: circuit.state, consecutive_failures: circuit.consecutiveFailures };
  if (circuit.since !== null) message.since = circuit.since;
  if (circuit.nextProbeAt !== null) message.next_probe_at = circuit.nextProbeAt;
  if (circuit.reason !== null) message.reason = circuit.reason;
  return message;
}
