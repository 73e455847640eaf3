/** The read model of DELIVERIES: one row per dispatch and one per recorded attempt. */

export type DispatchStatus = 'ACTIVE' | 'SUCCEEDED' | 'FAILED';
export type AttemptStatus = 'SUCCEEDED' | 'FAILED' | 'RETRYING';

/** Timestamps are ISO 8601 strings with milliseconds, as the facts carry them. */
export interface DispatchRow {
  id: string;
  organizationId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** null until a fact carrying the whole dispatch (created or attempted) has been seen. */
  eventData: Record<string, unknown> | null;
  eventOccurredAt: string | null;
  eventSource: string | null;
  eventSubject: string | null;
  publishedAt: string | null;
  test: boolean;
  /** '' for the original delivery, `rnd_...` for replays and manual retries. */
  round: string;
  status: DispatchStatus;
  /** The highest attempt number recorded in the current round. */
  attemptCount: number;
  /** When the first round was created. */
  createdAt: string;
  finishedAt: string | null;
  lastResponseStatus: number | null;
  nextAttemptAt: string | null;
}

export interface AttemptRow {
  id: string;
  dispatchId: string;
  round: string;
  /** 1-based; 0 for a round abandoned without an HTTP attempt. */
  attempt: number;
  organizationId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  test: boolean;
  status: AttemptStatus;
  responseStatus: number | null;
  durationMs: number;
  errorMessage: string | null;
  /** At most RESPONSE_BODY_MAX_BYTES. The request body is the round's (RoundRow). */
  responseBody: string | null;
  /** The request's headers as sent (credential-like custom values masked); null when unknown or none sent. */
  requestHeaders: Record<string, string> | null;
  startedAt: string;
  finishedAt: string;
  nextAttemptAt: string | null;
  /** Stream sequence of the fact that recorded the attempt. */
  seq: number;
}

/** The request body of every round: every attempt of a round sends these bytes, so it is stored here only. */
export interface RoundRow {
  dispatchId: string;
  round: string;
  requestBody: string;
  createdAt: string;
}

export const RESPONSE_BODY_MAX_BYTES = 4096;
