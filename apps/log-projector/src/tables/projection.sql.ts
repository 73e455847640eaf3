import type { DataSource, QueryRunner } from 'typeorm';
import type { AttemptRow, DispatchRow, DispatchStatus, RoundRow } from '../projection/delivery-log.rows';

/** Column lists and row mappings shared by the writer, the reads and the rebuild comparison. */

/** Rows of a query, typed by the caller (TypeORM's query runner answers `any`). */
export async function selectRows<T>(
  db: DataSource | QueryRunner,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

export const DISPATCH_COLUMNS = [
  ['id', 'text'],
  ['organization_id', 'text'],
  ['subscription_id', 'text'],
  ['event_id', 'text'],
  ['event_type', 'text'],
  ['event_data', 'jsonb'],
  ['event_occurred_at', 'text'],
  ['event_source', 'text'],
  ['event_subject', 'text'],
  ['published_at', 'timestamptz'],
  ['test', 'boolean'],
  ['round', 'text'],
  ['status', 'text'],
  ['attempt_count', 'integer'],
  ['created_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
  ['last_response_status', 'integer'],
  ['next_attempt_at', 'timestamptz'],
] as const;

export const ATTEMPT_COLUMNS = [
  ['id', 'text'],
  ['dispatch_id', 'text'],
  ['round', 'text'],
  ['attempt', 'integer'],
  ['organization_id', 'text'],
  ['subscription_id', 'text'],
  ['event_id', 'text'],
  ['event_type', 'text'],
  ['test', 'boolean'],
  ['status', 'text'],
  ['response_status', 'integer'],
  ['duration_ms', 'integer'],
  ['error_message', 'text'],
  ['response_body', 'text'],
  ['started_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
  ['next_attempt_at', 'timestamptz'],
  ['seq', 'bigint'],
  ['request_headers', 'jsonb'],
] as const;

export const ROUND_COLUMNS = [
  ['dispatch_id', 'text'],
  ['round', 'text'],
  ['request_body', 'text'],
  ['created_at', 'timestamptz'],
] as const;

type Columns = ReadonlyArray<readonly [string, string]>;

export const names = (columns: Columns, prefix = ''): string =>
  columns.map(([n]) => `${prefix}${n}`).join(', ');

/** `AS x(id text, ...)` for jsonb_to_recordset: one parameter carries a whole batch of rows. */
export const recordset = (columns: Columns): string => columns.map(([n, t]) => `${n} ${t}`).join(', ');

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A string constant of the code inlined into a statement that cannot take parameters. */
export const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export interface DispatchRecord {
  id: string;
  organization_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  event_data: Record<string, unknown> | null;
  event_occurred_at: string | null;
  event_source: string | null;
  event_subject: string | null;
  published_at: Date | string | null;
  test: boolean;
  round: string;
  status: string;
  attempt_count: number;
  created_at: Date | string;
  finished_at: Date | string | null;
  last_response_status: number | null;
  next_attempt_at: Date | string | null;
}

/** An attempt row as stored (ATTEMPT_COLUMNS). */
export interface AttemptRecord {
  id: string;
  dispatch_id: string;
  round: string;
  attempt: number;
  organization_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  test: boolean;
  status: string;
  response_status: number | null;
  duration_ms: number;
  error_message: string | null;
  response_body: string | null;
  started_at: Date | string;
  finished_at: Date | string;
  next_attempt_at: Date | string | null;
  seq: string | number;
  request_headers: Record<string, string> | null;
}

/** An attempt as the logs read it: the stored row and its round's request body. */
export interface AttemptView extends AttemptRecord {
  request_body: string | null;
}

/**
 * Selects AttemptView rows from `attempts a` (the caller's FROM clause names it `a`); an
 * attempt's body is its round's, null while the round is unknown.
 */
export const ATTEMPT_VIEW = `SELECT ${names(ATTEMPT_COLUMNS, 'a.')}, r.request_body
  FROM attempts a LEFT JOIN dispatch_rounds r ON r.dispatch_id = a.dispatch_id AND r.round = a.round`;

export const isoOf = (value: Date | string): string =>
  (value instanceof Date ? value : new Date(value)).toISOString();
export const isoOrNull = (value: Date | string | null): string | null =>
  value === null ? null : isoOf(value);

export function toDispatchRecord(row: DispatchRow): DispatchRecord {
  return {
    id: row.id,
    organization_id: row.organizationId,
    subscription_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.eventType,
    event_data: row.eventData,
    event_occurred_at: row.eventOccurredAt,
    event_source: row.eventSource,
    event_subject: row.eventSubject,
    published_at: row.publishedAt,
    test: row.test,
    round: row.round,
    status: row.status,
    attempt_count: row.attemptCount,
    created_at: row.createdAt,
    finished_at: row.finishedAt,
    last_response_status: row.lastResponseStatus,
    next_attempt_at: row.nextAttemptAt,
  };
}

export function fromDispatchRecord(r: DispatchRecord): DispatchRow {
  return {
    id: r.id,
    organizationId: r.organization_id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    eventType: r.event_type,
    eventData: r.event_data,
    eventOccurredAt: r.event_occurred_at,
    eventSource: r.event_source,
    eventSubject: r.event_subject,
    publishedAt: isoOrNull(r.published_at),
    test: r.test,
    round: r.round,
    status: r.status as DispatchStatus,
    attemptCount: r.attempt_count,
    createdAt: isoOf(r.created_at),
    finishedAt: isoOrNull(r.finished_at),
    lastResponseStatus: r.last_response_status,
    nextAttemptAt: isoOrNull(r.next_attempt_at),
  };
}

/**
 * A batch reads stored dispatch rows back without their event data, which it never needs: event
 * data is set once and never replaced. In the row a batch folds facts over, it stands as a marker
 * saying "set, as stored"; an update sends null for it and keeps what is stored.
 */
const STORED_EVENT_DATA: Record<string, unknown> = Object.freeze({});

export const DISPATCH_STATE_SELECT = `${names(DISPATCH_COLUMNS.filter(([n]) => n !== 'event_data'))},
  event_data IS NOT NULL AS has_event_data`;

export interface DispatchStateRecord extends Omit<DispatchRecord, 'event_data'> {
  has_event_data: boolean;
}

export function fromDispatchState(r: DispatchStateRecord): DispatchRow {
  const { has_event_data, ...rest } = r;
  return fromDispatchRecord({ ...rest, event_data: has_event_data ? STORED_EVENT_DATA : null });
}

/**
 * What an update of a stored row sets. Organization, subscription, event id and type are those of
 * the dispatch id, fixed for good; event data only where none is stored yet.
 */
export const DISPATCH_UPDATE_COLUMNS = DISPATCH_COLUMNS.filter(
  ([n]) => !['organization_id', 'subscription_id', 'event_id', 'event_type'].includes(n),
);

export const DISPATCH_UPDATE_SET = DISPATCH_UPDATE_COLUMNS.filter(([n]) => n !== 'id')
  .map(([n]) => (n === 'event_data' ? `event_data = COALESCE(d.event_data, x.event_data)` : `${n} = x.${n}`))
  .join(', ');

export function toDispatchUpdate(row: DispatchRow): DispatchRecord {
  const record = toDispatchRecord(row);
  return row.eventData === STORED_EVENT_DATA ? { ...record, event_data: null } : record;
}

/** A dispatch with the request body of its current round (`FROM dispatches d`, the caller's WHERE). */
export const DISPATCH_VIEW = `SELECT ${names(DISPATCH_COLUMNS, 'd.')}, r.request_body
  FROM dispatches d LEFT JOIN dispatch_rounds r ON r.dispatch_id = d.id AND r.round = d.round`;

export function toRoundRecord(row: RoundRow): Record<(typeof ROUND_COLUMNS)[number][0], string> {
  return {
    dispatch_id: row.dispatchId,
    round: row.round,
    request_body: row.requestBody,
    created_at: row.createdAt,
  };
}

export function toAttemptRecord(row: AttemptRow): AttemptRecord {
  return {
    id: row.id,
    dispatch_id: row.dispatchId,
    round: row.round,
    attempt: row.attempt,
    organization_id: row.organizationId,
    subscription_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.eventType,
    test: row.test,
    status: row.status,
    response_status: row.responseStatus,
    duration_ms: row.durationMs,
    error_message: row.errorMessage,
    response_body: row.responseBody,
    started_at: row.startedAt,
    finished_at: row.finishedAt,
    next_attempt_at: row.nextAttemptAt,
    seq: row.seq,
    request_headers: row.requestHeaders,
  };
}
