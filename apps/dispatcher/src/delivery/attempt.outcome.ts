import {
  attemptIdOf,
  dispatchAbandoned,
  dispatchAttempted,
  dispatchFailed,
  dispatchSucceeded,
  type Attempt,
  type DeliveryFact,
  type Dispatch,
  type DispatchRef,
} from '@hookstream/contracts';
import { decideOutcome, type DeliveryOutcome } from '@hookstream/webhooks';

/** What one attempt produced, before the policy judged it. */
export interface AttemptReport {
  attempt: number;
  startedAtMs: number;
  durationMs: number;
  status: number | null;
  retryAfter: string | null;
  responseBody: string | null;
  error: string | null;
  /** What the log keeps of the request's headers; null when no request was sent. */
  requestHeaders: Record<string, string> | null;
}

export interface AttemptDecision {
  outcome: DeliveryOutcome;
  /** Exactly one per attempt, under factMessageIds.attempt: a repeated attempt n stores only the first outcome. */
  fact: DeliveryFact;
}

/** Judges an attempt by the retry policy and states the one fact that records it. */
export function decideAttempt(
  dispatch: Dispatch,
  report: AttemptReport,
  schedule: readonly number[],
  now: Date,
  random: () => number,
  /** The first fact of the dispatch (an attempt made at fan-out): outcomes carry the dispatch. */
  first = false,
): AttemptDecision {
  const outcome = decideOutcome(
    { status: report.status, retryAfter: report.retryAfter, error: report.error },
    report.attempt,
    schedule,
    now,
    random,
  );
  const occurredAt = now.toISOString();
  const attempt: Attempt = {
    attemptId: attemptIdOf(dispatch.dispatchId, dispatch.round, report.attempt),
    attempt: report.attempt,
    startedAt: new Date(report.startedAtMs).toISOString(),
    durationMs: report.durationMs,
    responseStatus: report.status,
    responseBody: report.responseBody,
    errorMessage: report.error ?? (outcome.kind === 'delivered' ? null : outcome.reason),
    ...(report.requestHeaders === null ? {} : { requestHeaders: report.requestHeaders }),
    nextAttemptAt: null,
  };
  switch (outcome.kind) {
    case 'delivered':
      return { outcome, fact: dispatchSucceeded(dispatch, attempt, occurredAt, first) };
    case 'retry':
      attempt.nextAttemptAt = new Date(now.getTime() + outcome.delayMs).toISOString();
      return { outcome, fact: dispatchAttempted(dispatch, attempt, occurredAt) };
    case 'give_up':
      return {
        outcome,
        fact: dispatchFailed(dispatch, attempt, outcome.reason, occurredAt, {
          disableSubscription: outcome.disable,
          first,
        }),
      };
  }
}

/** A round ended without an HTTP attempt: the subscription is gone or disabled. */
export function abandonedFact(ref: DispatchRef, reason: string, now: Date): DeliveryFact {
  return dispatchAbandoned(ref, reason, now.toISOString());
}

/** Milliseconds until an `attempted` fact's next attempt is due; 0 or less means now. */
export function msUntilDue(nextAttemptAt: string | null, nowMs: number): number {
  if (nextAttemptAt === null) return 0;
  const due = Date.parse(nextAttemptAt);
  return Number.isNaN(due) ? 0 : due - nowMs;
}
