import type { EventEnvelope } from './envelope';
import {
  dispatchIdOf,
  factMessageIds,
  type DispatchId,
  type EventId,
  type OrganizationId,
  type SubscriptionId,
} from './ids';
import { DISPATCH_ID_HEADER, FACT_TYPE_HEADER, subjects } from './streams';
import { TRACEPARENT_HEADER } from './trace';
import type { WireMessage } from './wire';

/** Identifies one round of one dispatch; a round is the original delivery, a replay or a manual retry. */
export interface DispatchRef {
  dispatchId: DispatchId;
  /** '' for the original delivery; a time-sortable `rnd_` id for each replay or manual retry, so later rounds sort later. */
  round: string;
  organizationId: OrganizationId;
  subscriptionId: SubscriptionId;
  eventId: EventId;
  eventType: string;
  /** A test delivery requested through POST /webhooks/:id/test. */
  test: boolean;
}

/** Everything needed to (re)attempt a dispatch without reading any other store. */
export interface Dispatch extends DispatchRef {
  event: EventEnvelope;
  /** The rendered request body, fixed at creation so every attempt sends the same bytes. */
  body: string;
  createdAt: string;
  /** When the event was stored on EVENTS (for published → delivered latency). */
  publishedAt: string;
  traceparent?: string;
  /**
   * Set on the dispatches of a subscription with `ordering: "subject"`: the event's `subject`
   * ('' without one). Such a dispatch is attempted by its subscription's ordered queue only,
   * never by the shared consumers (docs/architecture.md §6).
   */
  orderingKey?: string;
}

export interface Attempt {
  attemptId: string;
  /** 1-based within the round. */
  attempt: number;
  startedAt: string;
  durationMs: number;
  /** null when no response arrived (timeout, reset, refused address ...). */
  responseStatus: number | null;
  /** At most 4 KiB. */
  responseBody: string | null;
  errorMessage: string | null;
  /**
   * The request's headers as sent, credential-like custom header values masked; absent when no
   * request went out and on facts recorded before headers were.
   */
  requestHeaders?: Record<string, string>;
  /** Set on `attempted` facts: when the next attempt is due. */
  nextAttemptAt: string | null;
}

export interface FactMeta {
  messageId: string;
  occurredAt: string;
}

/**
 * Facts on DELIVERIES (docs/architecture.md §8). Each attempt is recorded by exactly one of
 * attempted/succeeded/failed.
 */
export type DeliveryFact =
  | { type: 'dispatch.created'; version: 1; data: Dispatch; metadata: FactMeta }
  /** A failed attempt with another one scheduled; carries the dispatch so the retry needs nothing else. */
  | {
      type: 'dispatch.attempted';
      version: 1;
      data: { dispatch: Dispatch; attempt: Attempt };
      metadata: FactMeta;
    }
  /**
   * `dispatch` is present when this is the first fact of its dispatch: a first attempt made at
   * fan-out, with no `created` before it (docs/architecture.md §6, §8).
   */
  | {
      type: 'dispatch.succeeded';
      version: 1;
      data: { ref: DispatchRef; attempt: Attempt; dispatch?: Dispatch };
      metadata: FactMeta;
    }
  /** Terminal failure: the last attempt failed, or the dispatch was abandoned (attempt null) with a reason. */
  | {
      type: 'dispatch.failed';
      version: 1;
      data: {
        ref: DispatchRef;
        attempt: Attempt | null;
        reason: string;
        disableSubscription?: boolean;
        /** As on `dispatch.succeeded`: the dispatch, when no fact carried it before. */
        dispatch?: Dispatch;
      };
      metadata: FactMeta;
    };

export type DeliveryFactType = DeliveryFact['type'];
export type DispatchCreatedFact = Extract<DeliveryFact, { type: 'dispatch.created' }>;

export function factKindOf(fact: DeliveryFact): 'created' | 'attempted' | 'succeeded' | 'failed' {
  switch (fact.type) {
    case 'dispatch.created':
      return 'created';
    case 'dispatch.attempted':
      return 'attempted';
    case 'dispatch.succeeded':
      return 'succeeded';
    case 'dispatch.failed':
      return 'failed';
  }
}

/** The identifying part of a dispatch, without the event and body that only `created` and `attempted` carry. */
export function refOfDispatch(dispatch: DispatchRef): DispatchRef {
  return {
    dispatchId: dispatch.dispatchId,
    round: dispatch.round,
    organizationId: dispatch.organizationId,
    subscriptionId: dispatch.subscriptionId,
    eventId: dispatch.eventId,
    eventType: dispatch.eventType,
    test: dispatch.test,
  };
}

export function refOf(fact: DeliveryFact): DispatchRef {
  switch (fact.type) {
    case 'dispatch.created':
      return fact.data;
    case 'dispatch.attempted':
      return fact.data.dispatch;
    case 'dispatch.succeeded':
    case 'dispatch.failed':
      return fact.data.ref;
  }
}

/** Decodes a DELIVERIES message; undefined for anything that is not a known fact (terminated by the consumer). */
export function decodeDeliveryFact(raw: Uint8Array): DeliveryFact | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fact = value as { type?: unknown; version?: unknown; data?: unknown };
  const known = ['dispatch.created', 'dispatch.attempted', 'dispatch.succeeded', 'dispatch.failed'];
  if (typeof fact.type !== 'string' || !known.includes(fact.type) || fact.version !== 1) return undefined;
  if (typeof fact.data !== 'object' || fact.data === null) return undefined;
  return value as DeliveryFact;
}

/**
 * A round of the dispatch of an event to a subscription, as the fan-out, a replay or a test starts
 * it. The dispatch id depends only on the event and the subscription, so a replay continues the
 * original dispatch under a new round; `render` makes the body under that id (and may throw).
 */
export function newDispatch(
  input: {
    event: EventEnvelope;
    subscriptionId: SubscriptionId;
    round: string;
    test: boolean;
    createdAt: string;
    publishedAt: string;
    traceparent?: string;
  },
  render: (dispatchId: DispatchId) => string,
): Dispatch {
  const { event } = input;
  const dispatchId = dispatchIdOf(event.id, input.subscriptionId);
  const dispatch: Dispatch = {
    dispatchId,
    round: input.round,
    organizationId: event.organizationId,
    subscriptionId: input.subscriptionId,
    eventId: event.id,
    eventType: event.type,
    test: input.test,
    event,
    body: render(dispatchId),
    createdAt: input.createdAt,
    publishedAt: input.publishedAt,
  };
  if (input.traceparent !== undefined) dispatch.traceparent = input.traceparent;
  return dispatch;
}

/** Starts a round of a dispatch; its message id makes a repeated publish of the round a no-op. */
export function dispatchCreated(dispatch: Dispatch, occurredAt: string): DispatchCreatedFact {
  return {
    type: 'dispatch.created',
    version: 1,
    data: dispatch,
    metadata: { messageId: factMessageIds.created(dispatch.dispatchId, dispatch.round), occurredAt },
  };
}

/** attempted, succeeded and failed share the message id of their attempt: one attempt, one outcome. */
const attemptMeta = (dispatch: DispatchRef, attempt: Attempt, occurredAt: string): FactMeta => ({
  messageId: factMessageIds.attempt(dispatch.dispatchId, dispatch.round, attempt.attempt),
  occurredAt,
});

export function dispatchAttempted(dispatch: Dispatch, attempt: Attempt, occurredAt: string): DeliveryFact {
  return {
    type: 'dispatch.attempted',
    version: 1,
    data: { dispatch, attempt },
    metadata: attemptMeta(dispatch, attempt, occurredAt),
  };
}

/** `first`: no fact of this dispatch was published before (an attempt made at fan-out), so it carries the dispatch. */
export function dispatchSucceeded(
  dispatch: Dispatch,
  attempt: Attempt,
  occurredAt: string,
  first = false,
): DeliveryFact {
  return {
    type: 'dispatch.succeeded',
    version: 1,
    data: { ref: refOfDispatch(dispatch), attempt, ...(first ? { dispatch } : {}) },
    metadata: attemptMeta(dispatch, attempt, occurredAt),
  };
}

export function dispatchFailed(
  dispatch: Dispatch,
  attempt: Attempt,
  reason: string,
  occurredAt: string,
  options: { disableSubscription?: boolean; first?: boolean } = {},
): DeliveryFact {
  return {
    type: 'dispatch.failed',
    version: 1,
    data: {
      ref: refOfDispatch(dispatch),
      attempt,
      reason,
      ...(options.disableSubscription ? { disableSubscription: true } : {}),
      ...(options.first ? { dispatch } : {}),
    },
    metadata: attemptMeta(dispatch, attempt, occurredAt),
  };
}

/** A round ended without an HTTP attempt (the subscription is gone or disabled). */
export function dispatchAbandoned(ref: DispatchRef, reason: string, occurredAt: string): DeliveryFact {
  return {
    type: 'dispatch.failed',
    version: 1,
    data: { ref: refOfDispatch(ref), attempt: null, reason },
    metadata: { messageId: factMessageIds.abandoned(ref.dispatchId, ref.round), occurredAt },
  };
}

export function deliveryFactSubject(fact: DeliveryFact): string {
  const ref = refOf(fact);
  return subjects.delivery(ref.organizationId, ref.subscriptionId, factKindOf(fact));
}

/**
 * A fact ready to publish on DELIVERIES: its subject, its message id, the dispatch id and the
 * fact's type beside the body, and the `traceparent` of the span that produced it when traced.
 */
export function deliveryFactMessage(fact: DeliveryFact, traceparent?: string): WireMessage {
  const headers: Record<string, string> = {
    [DISPATCH_ID_HEADER]: refOf(fact).dispatchId,
    [FACT_TYPE_HEADER]: fact.type,
  };
  if (traceparent !== undefined) headers[TRACEPARENT_HEADER] = traceparent;
  return {
    subject: deliveryFactSubject(fact),
    payload: JSON.stringify(fact),
    msgId: fact.metadata.messageId,
    headers,
  };
}
