import {
  attemptIdOf,
  dispatchIdOf,
  factMessageIds,
  type Attempt,
  type DeliveryFact,
  type Dispatch,
  type DispatchRef,
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

export function refOfDispatch(dispatch: Dispatch): DispatchRef {
  const { dispatchId, round, organizationId, subscriptionId, eventId, eventType, test } = dispatch;
  return { dispatchId, round, organizationId, subscriptionId, eventId, eventType, test };
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

const meta = (messageId: string, occurredAt: string) => ({ messageId, occurredAt });

export const facts = {
  created: (d: Dispatch): DeliveryFact => ({
    type: 'dispatch.created',
    version: 1,
    data: d,
    metadata: meta(factMessageIds.created(d.dispatchId, d.round), d.createdAt),
  }),
  attempted: (d: Dispatch, n: number, spec: AttemptSpec = {}): DeliveryFact => {
    const attempt = attemptOf(d, n, spec, true);
    return {
      type: 'dispatch.attempted',
      version: 1,
      data: { dispatch: d, attempt },
      metadata: meta(factMessageIds.attempt(d.dispatchId, d.round, n), attempt.startedAt),
    };
  },
  succeeded: (d: Dispatch, n: number, spec: AttemptSpec = {}): DeliveryFact => {
    const attempt = attemptOf(d, n, spec, false);
    return {
      type: 'dispatch.succeeded',
      version: 1,
      data: { ref: refOfDispatch(d), attempt },
      metadata: meta(factMessageIds.attempt(d.dispatchId, d.round, n), attempt.startedAt),
    };
  },
  failed: (d: Dispatch, n: number, spec: AttemptSpec = {}): DeliveryFact => {
    const attempt = attemptOf(d, n, { status: 500, error: 'HTTP 500', ...spec }, false);
    return {
      type: 'dispatch.failed',
      version: 1,
      data: { ref: refOfDispatch(d), attempt, reason: 'no attempts left' },
      metadata: meta(factMessageIds.attempt(d.dispatchId, d.round, n), attempt.startedAt),
    };
  },
  abandoned: (d: Dispatch, reason = 'subscription deleted', atMinutes = 30): DeliveryFact => ({
    type: 'dispatch.failed',
    version: 1,
    data: { ref: refOfDispatch(d), attempt: null, reason },
    metadata: meta(
      factMessageIds.abandoned(d.dispatchId, d.round),
      new Date(Date.parse(d.createdAt) + atMinutes * 60_000).toISOString(),
    ),
  }),
};
