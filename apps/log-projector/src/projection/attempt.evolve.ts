import { attemptIdOf, refOf, type Attempt, type DeliveryFact, type DispatchRef } from '@hookstream/contracts';
import { RESPONSE_BODY_MAX_BYTES, type AttemptRow, type AttemptStatus } from './delivery-log.rows';
import { finishedAtOf } from './dispatch.evolve';
import { pgText, pgTextOrNull, truncateUtf8 } from './pg-text.rows';

function fromAttempt(
  ref: DispatchRef,
  attempt: Attempt,
  status: AttemptStatus,
  errorMessage: string | null,
  seq: number,
): AttemptRow {
  const responseBody =
    attempt.responseBody === null ? null : truncateUtf8(attempt.responseBody, RESPONSE_BODY_MAX_BYTES);
  return {
    id: attempt.attemptId,
    dispatchId: ref.dispatchId,
    round: ref.round,
    attempt: attempt.attempt,
    organizationId: ref.organizationId,
    subscriptionId: ref.subscriptionId,
    eventId: ref.eventId,
    eventType: ref.eventType,
    test: ref.test,
    status,
    responseStatus: attempt.responseStatus,
    durationMs: Math.max(0, Math.round(attempt.durationMs)),
    errorMessage: pgTextOrNull(errorMessage),
    responseBody: pgTextOrNull(responseBody),
    requestHeaders: attempt.requestHeaders ?? null,
    startedAt: attempt.startedAt,
    finishedAt: finishedAtOf(attempt),
    nextAttemptAt: status === 'RETRYING' ? attempt.nextAttemptAt : null,
    seq,
  };
}

/**
 * The attempt row a fact records. An attempt has exactly one outcome: once recorded, a later fact
 * for the same attempt (a duplicate, or a repeat after a crash) changes nothing. A round given up
 * without an HTTP attempt is recorded as attempt 0, so that the logs show why it ended.
 */
export function evolveAttempt(row: AttemptRow | null, fact: DeliveryFact, seq: number): AttemptRow | null {
  if (row !== null) return row;
  const ref = refOf(fact);
  switch (fact.type) {
    case 'dispatch.created':
      return null;
    case 'dispatch.attempted':
      return fromAttempt(ref, fact.data.attempt, 'RETRYING', fact.data.attempt.errorMessage, seq);
    case 'dispatch.succeeded':
      return fromAttempt(ref, fact.data.attempt, 'SUCCEEDED', fact.data.attempt.errorMessage, seq);
    case 'dispatch.failed': {
      const { attempt, reason } = fact.data;
      if (attempt) return fromAttempt(ref, attempt, 'FAILED', attempt.errorMessage ?? reason, seq);
      const at = fact.metadata.occurredAt;
      return {
        id: attemptIdOf(ref.dispatchId, ref.round, 0),
        dispatchId: ref.dispatchId,
        round: ref.round,
        attempt: 0,
        organizationId: ref.organizationId,
        subscriptionId: ref.subscriptionId,
        eventId: ref.eventId,
        eventType: ref.eventType,
        test: ref.test,
        status: 'FAILED',
        responseStatus: null,
        durationMs: 0,
        errorMessage: pgText(reason),
        responseBody: null,
        requestHeaders: null,
        startedAt: at,
        finishedAt: at,
        nextAttemptAt: null,
        seq,
      };
    }
  }
}

/** The id of the attempt row a fact records, or null when it records none. */
export function attemptRowIdOf(fact: DeliveryFact): string | null {
  const ref = refOf(fact);
  switch (fact.type) {
    case 'dispatch.created':
      return null;
    case 'dispatch.attempted':
    case 'dispatch.succeeded':
      return fact.data.attempt.attemptId;
    case 'dispatch.failed':
      return fact.data.attempt?.attemptId ?? attemptIdOf(ref.dispatchId, ref.round, 0);
  }
}
