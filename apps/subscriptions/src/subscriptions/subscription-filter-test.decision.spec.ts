import type { EventEnvelope } from '@hookstream/contracts';
import { runFilterTest, testEnvelope } from './subscription-filter-test.decision';

const now = new Date('2026-12-03T10:00:00.000Z');
const event = (id: string, type: string, data: Record<string, unknown>): EventEnvelope => ({
  id,
  type,
  organizationId: 'org_a',
  occurredAt: now.toISOString(),
  data,
});

describe('filter tests', () => {
  it('tells for each event whether the patterns select it, the filter passes it, and both', () => {
    const events = [
      event('evt_1', 'workflow.failed', { status: 'FAILED' }),
      event('evt_2', 'workflow.completed', { status: 'SUCCEEDED' }),
      event('evt_3', 'run_failed', { status: 'FAILED' }),
    ];
    const result = runFilterTest({ 'data.status': 'FAILED' }, ['workflow.*'], events);
    expect(result).toMatchObject({ tested: 3, matched: 2, delivered: 1 });
    expect(result.results.map((r) => [r.eventId, r.selected, r.matched, r.delivered])).toEqual([
      ['evt_1', true, true, true],
      ['evt_2', true, false, false],
      ['evt_3', false, true, false],
    ]);
  });

  it('without a filter every event passes', () => {
    const result = runFilterTest(null, ['*'], [event('evt_1', 'TEST', {})]);
    expect(result).toMatchObject({ filter: null, tested: 1, matched: 1, delivered: 1 });
  });

  it('fills the bookkeeping of a given event and checks the rest as ingest does', () => {
    const ok = testEnvelope({ type: 'workflow.failed', data: { a: 1 } }, { organizationId: 'org_a', now });
    expect(ok.ok && ok.envelope).toEqual({
      id: 'evt_filter_test',
      type: 'workflow.failed',
      organizationId: 'org_a',
      occurredAt: now.toISOString(),
      data: { a: 1 },
    });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'workflow.failed' }, 'event: data must be a JSON object'],
      [{ type: 'a b', data: {} }, 'event: type must be a valid event type'],
      [{ type: 'x', data: {}, colour: 'red' }, 'event: unknown field "colour"'],
      [{ type: 'x', data: {}, organizationId: 'org_b' }, 'event: organizationId is the calling organization'],
    ];
    for (const [input, message] of cases) {
      const result = testEnvelope(input, { organizationId: 'org_a', now });
      expect(!result.ok && result.problem.message).toContain(message);
    }
  });
});
