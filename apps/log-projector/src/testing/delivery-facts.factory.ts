import {
  attemptIdOf,
  dispatchAbandoned,
  dispatchAttempted,
  dispatchCreated,
  dispatchFailed,
  dispatchIdOf,
  dispatchSucceeded,
  type Attempt,
  type DeliveryFact,
  type Dispatch,
} from '@hookstream/contracts';

export interface DispatchSpec {
  organizationId: string;
  subscriptionId: string;
  eventId: string;
  eventType?: string;
  round?: string;
  test?: boolean;
  data?: Record<string, unknown>;
  body?: string;
  /** Minutes after the base time the round is created at. */
  at?: number;
}

const BASE = Date.parse('2026-11-23T10:00:00.000Z');
const iso = (minutes: number): string => new Date(BASE + minutes * 60_000).toISOString();

/** Builds the facts the dispatcher would publish, with deterministic times. */
export function dispatchOf(spec: DispatchSpec): Dispatch {
  const eventType = spec.eventType ?? 'workflow.completed';
  const round = spec.round ?? '';
  const at = spec.at ?? 0;
  const data = spec.data ?? { workflowId: `wf_${spec.eventId}` };
  return {
    dispatchId: dispatchIdOf(spec.eventId, spec.subscriptionId),
    round,
    organizationId: spec.organizationId,
    subscriptionId: spec.subscriptionId,
    eventId: spec.eventId,
    eventType,
    test: spec.test ?? false,
    event: {
      id: spec.eventId,
      type: eventType,
      organizationId: spec.organizationId,
      occurredAt: iso(-1),
      data,
    },
    body: spec.body ?? JSON.stringify({ type: eventType, timestamp: iso(at), data }),
    createdAt: iso(at),
    // The event is the same in every round: it was published once.
    publishedAt: iso(-0.5),
  };
}

export interface AttemptSpec {
  status?: number | null;
  error?: string | null;
  responseBody?: string | null;
  /** Minutes after the round's creation; defaults to n. */
  at?: number;
  durationMs?: number;
  /** Minutes after the attempt when the next one is due (attempted facts). */
  retryIn?: number;
}

function attemptOf(dispatch: Dispatch, n: number, spec: AttemptSpec, retrying: boolean): Attempt {
  const start = Date.parse(dispatch.createdAt) + (spec.at ?? n) * 60_000;
  return {
    attemptId: attemptIdOf(dispatch.dispatchId, dispatch.round, n),
    attempt: n,
    startedAt: new Date(start).toISOString(),
    durationMs: spec.durationMs ?? 120 + n,
    responseStatus: spec.status === undefined ? (retrying ? 500 : 200) : spec.status,
    responseBody: spec.responseBody === undefined ? `{"attempt":${n}}` : spec.responseBody,
    errorMessage: spec.error === undefined ? (retrying ? 'HTTP 500' : null) : spec.error,
    requestHeaders: { 'webhook-id': dispatch.dispatchId },
    nextAttemptAt: retrying ? new Date(start + (spec.retryIn ?? 5) * 60_000).toISOString() : null,
  };
}

/** The facts as the dispatcher states them, built by the contracts' builders. */
export const facts = {
  created: (d: Dispatch): DeliveryFact => dispatchCreated(d, d.createdAt),
  attempted: (d: Dispatch, n: number, spec: AttemptSpec = {}): DeliveryFact => {
    const attempt = attemptOf(d, n, spec, true);
    return dispatchAttempted(d, attempt, attempt.startedAt);
  },
  succeeded: (d: Dispatch, n: number, spec: AttemptSpec = {}): DeliveryFact => {
    const attempt = attemptOf(d, n, spec, false);
    return dispatchSucceeded(d, attempt, attempt.startedAt);
  },
  failed: (d: Dispatch, n: number, spec: AttemptSpec = {}): DeliveryFact => {
    const attempt = attemptOf(d, n, { status: 500, error: 'HTTP 500', ...spec }, false);
    return dispatchFailed(d, attempt, 'no attempts left', attempt.startedAt);
  },
  abandoned: (d: Dispatch, reason = 'subscription deleted', atMinutes = 30): DeliveryFact =>
    dispatchAbandoned(d, reason, new Date(Date.parse(d.createdAt) + atMinutes * 60_000).toISOString()),
};
