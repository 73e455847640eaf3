import { type EventEnvelope, validateEnvelope } from '@hookstream/contracts';
import type { FieldProblem } from '@hookstream/platform';
import { compileFilter, filterDocument, matchesAny, type PayloadFilter } from '@hookstream/webhooks';
import type { FilterTestResponse, FilterTestResult } from './subscription-filter-test.dto';

/** A caller's test event as an envelope: the bookkeeping fields default, everything else is checked as ingest does. */
export function testEnvelope(
  event: Record<string, unknown>,
  defaults: { organizationId: string; now: Date },
): { ok: true; envelope: EventEnvelope } | { ok: false; problem: FieldProblem } {
  if ('organizationId' in event)
    return {
      ok: false,
      problem: { path: 'event', message: 'event: organizationId is the calling organization, leave it out' },
    };
  const result = validateEnvelope({
    id: 'evt_filter_test',
    occurredAt: defaults.now.toISOString(),
    organizationId: defaults.organizationId,
    ...event,
  });
  if (!result.ok)
    return { ok: false, problem: { path: 'event', message: `event: ${result.problem.message}` } };
  return result;
}

/** Which events a filter passes, and which of those the subscription's patterns select as well. */
export function runFilterTest(
  filter: PayloadFilter | null,
  patterns: readonly string[],
  events: readonly EventEnvelope[],
): FilterTestResponse {
  const test = filter === null ? () => true : compileFilter(filter);
  const results: FilterTestResult[] = events.map((event) => {
    const selected = matchesAny(patterns, event.type);
    const matched = test(filterDocument(event));
    return {
      eventId: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      selected,
      matched,
      delivered: selected && matched,
    };
  });
  return {
    filter,
    tested: results.length,
    matched: results.filter((r) => r.matched).length,
    delivered: results.filter((r) => r.delivered).length,
    results,
  };
}
