import {
  decodeEnvelope,
  parseEventSubject,
  type EventCatalog,
  type EventEnvelope,
  type OrganizationId,
} from '@hookstream/contracts';
import { filterDocument, type FilterDocument } from '@hookstream/webhooks';
import type { Route } from '../routing/route.state';

export type RejectCode =
  | 'bad_subject'
  | 'invalid_json'
  | 'too_large'
  | 'invalid_envelope'
  | 'subject_mismatch'
  | 'unknown_type'
  | 'invalid_data';

export interface Rejection {
  code: RejectCode;
  message: string;
}

export type EventCheck =
  | {
      ok: true;
      envelope: EventEnvelope;
      /** Subscriptions the event is delivered to: patterns select its type and filters pass it. */
      routes: readonly Route[];
      /** Subscriptions whose patterns select the type but whose payload filter left the event out. */
      filtered: number;
    }
  | { ok: false; rejection: Rejection };

export interface EventCheckDeps {
  /** The catalog's verdict on `data` (built-in types; organizations' own types where known). */
  validate(
    organizationId: OrganizationId,
    type: string,
    data: unknown,
  ): { ok: true } | { ok: false; code: string; message: string };
  /** Active subscriptions selecting the type. */
  matching(organizationId: OrganizationId, type: string): readonly Route[];
  maxEventBytes: number;
}

/** The checks' inputs from the event catalog and the routing table as it is at each call. */
export function eventCheckDeps(
  catalog: EventCatalog,
  routing: { readonly table: Pick<EventCheckDeps, 'matching'> },
  maxEventBytes: number,
): EventCheckDeps {
  return {
    validate: (organizationId, type, data) => catalog.validate(organizationId, type, data),
    matching: (organizationId, type) => routing.table.matching(organizationId, type),
    maxEventBytes,
  };
}

/**
 * Decides whether an EVENTS message is delivered, and to whom. Organizations' own types are
 * registered with the subscriptions service only (its Postgres), so a type unknown here is
 * accepted when its envelope is well formed and a subscription selects it: the ingest API
 * validated it against the organization's schema, and rejecting it would lose a delivery.
 */
export function checkEvent(subject: string, raw: Uint8Array, deps: EventCheckDeps): EventCheck {
  const parsed = parseEventSubject(subject);
  if (!parsed) return reject('bad_subject', `subject ${subject} is not events.<organization>.<type>`);
  const decoded = decodeEnvelope(raw, parsed, deps.maxEventBytes);
  if (!decoded.ok) return reject(decoded.problem.code, decoded.problem.message);
  const { envelope } = decoded;
  const routes = deps.matching(envelope.organizationId, envelope.type);
  const verdict = deps.validate(envelope.organizationId, envelope.type, envelope.data);
  if (!verdict.ok) {
    if (verdict.code !== 'unknown_type') return reject('invalid_data', verdict.message);
    if (routes.length === 0)
      return reject(
        'unknown_type',
        `event type "${envelope.type}" is not built in and no subscription selects it`,
      );
  }
  return { ok: true, envelope, ...applyFilters(envelope, routes) };
}

/**
 * Whether a subscription delivered in order may be selected by the event on `subject`, decided
 * from the subject alone: when not, checkEvent would find no such route either (a check that
 * passes has the subject's organization and type), so the ordered fan-out skips the decode.
 */
export function mayBeOrdered(subject: string, deps: Pick<EventCheckDeps, 'matching'>): boolean {
  const parsed = parseEventSubject(subject);
  // A subject that does not parse is rejected by the shared fan-out; nothing here to order.
  if (!parsed) return false;
  return deps
    .matching(parsed.organizationId, parsed.type)
    .some((route) => route.state.ordering === 'subject');
}

/** Payload filters, before any dispatch exists: a filtered-out event costs that subscription nothing more. */
function applyFilters(
  envelope: EventEnvelope,
  routes: readonly Route[],
): { routes: readonly Route[]; filtered: number } {
  if (!routes.some((route) => route.filter !== null)) return { routes, filtered: 0 };
  let document: FilterDocument | undefined;
  const kept: Route[] = [];
  for (const route of routes) {
    if (route.filter === null || route.filter((document ??= filterDocument(envelope)))) kept.push(route);
  }
  return { routes: kept, filtered: routes.length - kept.length };
}

function reject(code: RejectCode, message: string): EventCheck {
  return { ok: false, rejection: { code, message } };
}
