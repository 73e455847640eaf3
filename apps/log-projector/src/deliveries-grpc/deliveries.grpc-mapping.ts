import { factKindOf, refOf, type DeliveryFact, type DeliveryOutcomeMessage } from '@hookstream/contracts';
import type { DispatchWithCalls } from '../logs/delivery-log.queries';
import type { LogEntry } from '../logs/log.dto';
import { toApifyCall } from '../dispatches/dispatch.dto';
import { attemptOf } from '../projection/dispatch.evolve';
import { isoOf } from '../tables/projection.sql';

/** Messages of libs/contracts/proto/deliveries.proto, with the loader's keepCase field names. */
export interface DeliveryLogMessage {
  id: string;
  dispatch_id: string;
  round: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status: string;
  response_status?: number;
  response_body?: string;
  error_message?: string;
  started_at: string;
  duration_ms: number;
  next_attempt_at?: string;
  test: boolean;
  request_headers: Record<string, string>;
}

export interface CallMessage {
  started_at?: string;
  finished_at?: string;
  error_message?: string;
  response_status?: number;
  response_body?: string;
}

export interface DispatchMessage {
  id: string;
  organization_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  event_data_json: string;
  status: string;
  created_at: string;
  calls: CallMessage[];
  test: boolean;
}

/** proto3 `optional`: absent rather than null. */
const opt = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export function toLogMessage(entry: LogEntry): DeliveryLogMessage {
  return {
    id: entry.id,
    dispatch_id: entry.dispatchId,
    round: entry.round,
    subscription_id: entry.subscriptionId,
    event_id: entry.eventId,
    event_type: entry.eventType,
    attempt: entry.attempt,
    status: entry.status,
    response_status: opt(entry.responseStatus),
    response_body: opt(entry.responseBody),
    error_message: opt(entry.errorMessage),
    started_at: entry.startedAt,
    duration_ms: entry.durationMs,
    next_attempt_at: opt(entry.nextAttemptAt),
    test: entry.test,
    request_headers: entry.requestHeaders ?? {},
  };
}

export function toDispatchMessage({ dispatch, calls }: DispatchWithCalls): DispatchMessage {
  return {
    id: dispatch.id,
    organization_id: dispatch.organization_id,
    subscription_id: dispatch.subscription_id,
    event_id: dispatch.event_id,
    event_type: dispatch.event_type,
    event_data_json: JSON.stringify(dispatch.event_data),
    status: dispatch.status,
    created_at: isoOf(dispatch.created_at),
    calls: calls.map(toApifyCall).map((call) => ({
      started_at: opt(call.startedAt),
      finished_at: opt(call.finishedAt),
      error_message: opt(call.errorMessage),
      response_status: opt(call.responseStatus),
      response_body: opt(call.responseBody),
    })),
    test: dispatch.test,
  };
}

export function toOutcomeMessage(fact: DeliveryFact): DeliveryOutcomeMessage {
  const ref = refOf(fact);
  const attempt = attemptOf(fact);
  const errorMessage =
    fact.type === 'dispatch.failed' ? (attempt?.errorMessage ?? fact.data.reason) : attempt?.errorMessage;
  return {
    kind: factKindOf(fact),
    dispatch_id: ref.dispatchId,
    round: ref.round,
    subscription_id: ref.subscriptionId,
    event_id: ref.eventId,
    event_type: ref.eventType,
    attempt: attempt?.attempt ?? 0,
    response_status: opt(attempt?.responseStatus),
    error_message: opt(errorMessage),
    next_attempt_at: fact.type === 'dispatch.attempted' ? opt(fact.data.attempt.nextAttemptAt) : undefined,
    occurred_at: fact.metadata.occurredAt,
    test: ref.test,
  };
}
