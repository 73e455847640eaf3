import {
  refOf,
  type Attempt,
  type DeliveryFact,
  type Dispatch,
  type DispatchRef,
} from '@hookstream/contracts';
import type { DispatchRow } from './delivery-log.rows';
import { pgJson, pgText } from './pg-text.rows';

/** The whole dispatch, on the facts that carry it (an outcome does when it is the first fact). */
export function carriedDispatch(fact: DeliveryFact): Dispatch | null {
  switch (fact.type) {
    case 'dispatch.created':
      return fact.data;
    case 'dispatch.attempted':
      return fact.data.dispatch;
    case 'dispatch.succeeded':
    case 'dispatch.failed':
      return fact.data.dispatch ?? null;
  }
}

/** The HTTP attempt a fact records, if any (an abandoned round has none). */
export function attemptOf(fact: DeliveryFact): Attempt | null {
  switch (fact.type) {
    case 'dispatch.created':
      return null;
    case 'dispatch.attempted':
    case 'dispatch.succeeded':
      return fact.data.attempt;
    case 'dispatch.failed':
      return fact.data.attempt;
  }
}

export function finishedAtOf(attempt: Attempt): string {
  return new Date(Date.parse(attempt.startedAt) + attempt.durationMs).toISOString();
}

const earlier = (a: string, b: string): string => (Date.parse(b) < Date.parse(a) ? b : a);

/** A fact without the dispatch's data still dates it: the creation cannot be later than its first attempt. */
function creationBound(fact: DeliveryFact): string {
  const carried = carriedDispatch(fact);
  if (carried) return carried.createdAt;
  return attemptOf(fact)?.startedAt ?? fact.metadata.occurredAt;
}

function emptyRow(ref: DispatchRef, createdAt: string): DispatchRow {
  return {
    id: ref.dispatchId,
    organizationId: ref.organizationId,
    subscriptionId: ref.subscriptionId,
    eventId: ref.eventId,
    eventType: ref.eventType,
    eventData: null,
    eventOccurredAt: null,
    eventSource: null,
    eventSubject: null,
    publishedAt: null,
    test: ref.test,
    round: ref.round,
    status: 'ACTIVE',
    attemptCount: 0,
    createdAt,
    finishedAt: null,
    lastResponseStatus: null,
    nextAttemptAt: null,
  };
}

/** Event data belongs to the dispatch, not to a round: any fact that carries it may fill it in. */
function withEvent(row: DispatchRow, carried: Dispatch | null, createdAt: string): DispatchRow {
  const next = { ...row, createdAt: earlier(row.createdAt, createdAt) };
  if (!carried || row.eventData !== null) return next;
  const event = carried.event;
  return {
    ...next,
    eventData: pgJson(event.data),
    eventOccurredAt: event.occurredAt,
    eventSource: event.source === undefined ? null : pgText(event.source),
    eventSubject: event.subject === undefined ? null : pgText(event.subject),
    publishedAt: carried.publishedAt,
  };
}

function startRound(row: DispatchRow, ref: DispatchRef): DispatchRow {
  return {
    ...row,
    round: ref.round,
    test: ref.test,
    status: 'ACTIVE',
    attemptCount: 0,
    finishedAt: null,
    lastResponseStatus: null,
    nextAttemptAt: null,
  };
}

/**
 * Applies one outcome to a row of the same round. Status only moves forward (ACTIVE to a terminal
 * state, never back); the "latest attempt" fields follow the highest attempt number, so a late
 * fact of an earlier attempt changes nothing.
 */
function withOutcome(row: DispatchRow, fact: DeliveryFact): DispatchRow {
  if (fact.type === 'dispatch.created') return row;
  const attempt = attemptOf(fact);
  let next = row;
  const isLatest = attempt !== null && attempt.attempt > row.attemptCount;
  if (attempt !== null && isLatest)
    next = { ...next, attemptCount: attempt.attempt, lastResponseStatus: attempt.responseStatus };
  if (next.status !== 'ACTIVE') return next;
  switch (fact.type) {
    case 'dispatch.attempted':
      return isLatest ? { ...next, nextAttemptAt: fact.data.attempt.nextAttemptAt } : next;
    case 'dispatch.succeeded':
      return {
        ...next,
        status: 'SUCCEEDED',
        finishedAt: finishedAtOf(fact.data.attempt),
        nextAttemptAt: null,
      };
    case 'dispatch.failed': {
      const finishedAt = fact.data.attempt ? finishedAtOf(fact.data.attempt) : fact.metadata.occurredAt;
      return { ...next, status: 'FAILED', finishedAt, nextAttemptAt: null };
    }
  }
}

/**
 * The dispatch row after one fact. A newer round (rounds sort as strings: '' before every `rnd_`)
 * starts over at ACTIVE; a fact of an older round only fills in the event data; a duplicate
 * changes nothing.
 */
export function evolveDispatch(row: DispatchRow | null, fact: DeliveryFact): DispatchRow {
  const ref = refOf(fact);
  const carried = carriedDispatch(fact);
  const base = withEvent(row ?? emptyRow(ref, creationBound(fact)), carried, creationBound(fact));
  if (ref.round < base.round) return base;
  const current = ref.round > base.round ? startRound(base, ref) : base;
  return withOutcome(current, fact);
}

/** Field by field; event data is set once and never replaced, so its identity is enough. */
export function sameDispatch(a: DispatchRow | null, b: DispatchRow | null): boolean {
  if (a === null || b === null) return a === b;
  return (Object.keys(a) as (keyof DispatchRow)[]).every((key) => a[key] === b[key]);
}
