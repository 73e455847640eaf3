import type { EventEnvelope } from '@hookstream/contracts';
import { compileFilter, filterDocument, MAX_FILTER_BYTES, validateFilter } from './filter';

const event: EventEnvelope = {
  id: 'evt_1',
  type: 'workflow.completed',
  organizationId: 'org_acme',
  occurredAt: '2026-12-03T10:00:00.000Z',
  source: 'workflow-engine',
  subject: 'run_123',
  data: {
    status: 'FAILED',
    durationMs: 1200,
    tags: ['eu', 'prod'],
    workflow: { id: 'wf_9', name: 'Orders' },
  },
};
const matches = (filter: Record<string, unknown>): boolean => compileFilter(filter)(filterDocument(event));

describe('payload filters', () => {
  it.each([
    [{ 'data.status': 'FAILED' }, true],
    [{ 'data.status': 'SUCCEEDED' }, false],
    [{ 'data.durationMs': { $gte: 1000, $lt: 5000 } }, true],
    [{ 'data.tags': 'eu' }, true],
    [{ 'data.tags': { $all: ['eu', 'prod'] } }, true],
    [{ 'data.tags': { $size: 3 } }, false],
    [{ type: { $in: ['workflow.failed', 'workflow.completed'] } }, true],
    [{ source: 'workflow-engine', subject: { $regex: '^run_\\d+$' } }, true],
    [{ 'data.workflow.name': { $regex: '^orders$', $options: 'i' } }, true],
    [{ 'data.missing': { $exists: false } }, true],
    [{ 'metadata.organizationId': 'org_acme' }, true],
    [{ $or: [{ 'data.status': 'SUCCEEDED' }, { 'data.workflow.id': 'wf_9' }] }, true],
    [{ $nor: [{ 'data.status': 'FAILED' }] }, false],
    [{ 'data.durationMs': { $not: { $gt: 2000 } } }, true],
    [{ 'data.durationMs': { $mod: [100, 0] } }, true],
    [{ 'data.status': { $type: 'string' } }, true],
    [{ data: { $elemMatch: { x: 1 } } }, false],
  ])('%j → %s', (filter, expected) => {
    expect(validateFilter(filter)).toBeNull();
    expect(matches(filter)).toBe(expected);
  });

  it('a missing source or subject is null, so {$exists: false} and null both select it', () => {
    const bare = filterDocument({ ...event, source: undefined, subject: undefined });
    expect(compileFilter({ subject: null })(bare)).toBe(true);
    expect(compileFilter({ source: { $exists: true } })(bare)).toBe(true);
  });

  it.each([
    [[], 'filter must be a JSON object'],
    ['data.x', 'filter must be a JSON object'],
    [{ 'data.x': { $where: 'true' } }, 'unknown operator "$where" at data.x.$where'],
    [{ 'data.x': { $foo: 1 } }, 'unknown operator "$foo"'],
    [{ $where: 'this.data' }, 'unknown operator "$where"'],
    [{ status: 'FAILED' }, 'unknown field "status"'],
    [{ $or: [{ 'date.x': 1 }] }, 'unknown field "date.x"'],
    [{ $or: [] }, '$or must be a non-empty array of filters'],
    [{ $not: { type: 'x' } }, 'operator "$not" cannot stand at the top'],
    [{ 'data.x': { $gt: { a: 1 } } }, 'data.x.$gt must be a number or a string'],
    [{ 'data.x': { $in: 'a' } }, 'data.x.$in must be an array'],
    [{ 'data.x': { $type: 'object' } }, 'data.x.$type must be one of'],
    [{ 'data.x': { $regex: '(a' } }, 'is not a valid regular expression'],
    [{ 'data.x': { $regex: '(a)\\1' } }, 'is not a valid regular expression'],
    [{ 'data.x': { $regex: 'a', $options: 'g' } }, 'flags i, m, s'],
    [{ 'data.x': { $mod: [0, 1] } }, 'non-zero divisor'],
    [{ 'data.x': { $size: -1 } }, 'must be a whole number'],
    [{ 'data.x': { $exists: 1 } }, 'must be true or false'],
    [{ 'data.x': { $gt: 1, y: 2 } }, 'Property queries must contain only operations'],
  ])('refuses %j naming the problem', (filter, message) => {
    expect(validateFilter(filter)).toContain(message);
    expect(() => compileFilter(filter as Record<string, unknown>)).toThrow();
  });

  it('bounds size and depth', () => {
    const large = { 'data.x': { $in: Array.from({ length: MAX_FILTER_BYTES }, (_, i) => i) } };
    expect(validateFilter(large)).toMatch(/at most 4096 bytes/);
    let deep: Record<string, unknown> = { $eq: 1 };
    for (let i = 0; i < 10; i++) deep = { $not: deep };
    expect(validateFilter({ 'data.x': deep })).toMatch(/levels deep/);
  });

  it('a pathological pattern runs in linear time (re2)', () => {
    const test = compileFilter({ 'data.text': { $regex: '^(a+)+$' } });
    const doc = filterDocument({ ...event, data: { text: `${'a'.repeat(50_000)}!` } });
    expect(test(doc)).toBe(false);
  });
});
