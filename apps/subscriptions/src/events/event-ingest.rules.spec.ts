import { EventCatalog } from '@hookstream/contracts';
import { checkEvent, splitBatch } from './event-ingest.rules';

const catalog = new EventCatalog();
const context = { organizationId: 'org_a', maxBytes: 1024, catalog, newId: () => 'evt_generated' };
const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt_1',
  type: 'TEST',
  occurredAt: '2026-11-23T10:00:00.000Z',
  data: { message: 'hi' },
  ...overrides,
});

describe('event ingest checks', () => {
  it('fills in the organization of the request', () => {
    const checked = checkEvent(event(), context);
    expect(checked).toEqual({ ok: true, envelope: { ...event(), organizationId: 'org_a' } });
  });

  it('fills in a missing id, and keeps one that is given', () => {
    const { id: _id, ...withoutId } = event();
    const checked = checkEvent(withoutId, context);
    expect(checked.ok && checked.envelope.id).toBe('evt_generated');
    expect(checkEvent(event(), context)).toMatchObject({ ok: true, envelope: { id: 'evt_1' } });
  });

  it.each([
    ['type', event({ type: 'unknown.type' }), undefined],
    ['data', event({ type: 'run_completed', data: {} }), undefined],
    ['occurredAt', event({ occurredAt: 'yesterday' }), undefined],
    ['events.3.type', event({ type: 'nope' }), 3],
    ['events.1', 'text', 1],
  ])('names the field at fault: %s', (path, input, index) => {
    const checked = checkEvent(input, { ...context, index });
    expect(checked.ok ? undefined : checked.problem.path).toBe(path);
  });

  it.each([
    [event({ organizationId: 'org_b' }), 'forbidden', 'wrong_organization'],
    [event({ data: { blob: 'x'.repeat(2000) } }), 'payload_too_large', 'too_large'],
    [event({ type: 'unknown.type' }), 'validation_failed', 'unknown_type'],
    [event({ type: 'run_completed', data: {} }), 'validation_failed', 'invalid_data'],
    [event({ type: 'webhook.disabled' }), 'validation_failed', 'reserved_type'],
    [event({ id: '' }), 'validation_failed', 'invalid_envelope'],
    ['text', 'validation_failed', 'invalid_envelope'],
  ])('refuses %j with %s (%s)', (input, code, reason) => {
    const checked = checkEvent(input, context);
    expect(checked.ok ? undefined : [checked.problem.code, checked.problem.reason]).toEqual([code, reason]);
  });

  it('names the event of a batch in its message', () => {
    const checked = checkEvent(event({ type: 'nope' }), { ...context, index: 3 });
    expect(checked.ok ? '' : checked.problem.message).toMatch(/^events\[3\]: /);
  });

  it('tells a batch from a single event', () => {
    expect(splitBatch({ events: [1, 2] })).toEqual({ batch: true, events: [1, 2] });
    expect(splitBatch(event())).toEqual({ batch: false, events: [event()] });
    expect(splitBatch({ events: [], id: 'x' })).toEqual({ batch: false, events: [{ events: [], id: 'x' }] });
  });
});
