import { EventCatalog, sampleDataOf, type SubscriptionState } from '@hookstream/contracts';
import { compileFilter } from '@hookstream/webhooks';
import type { Route } from '../routing/route.state';
import { checkEvent, mayBeOrdered, type EventCheckDeps } from './fanout-check.decision';

const catalog = new EventCatalog();
const route = {
  id: 'wh_1',
  state: { events: ['*'] } as unknown as SubscriptionState,
  filter: null,
} as unknown as Route;
const filtered = (id: string, filter: Record<string, unknown>): Route => ({
  ...route,
  id,
  filter: compileFilter(filter),
});

function deps(routes: readonly Route[] = [route], maxEventBytes = 262144): EventCheckDeps {
  return {
    validate: (organizationId, type, data) => catalog.validate(organizationId, type, data),
    matching: () => routes,
    maxEventBytes,
  };
}

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt_1',
  type: 'run_failed',
  organizationId: 'org_a',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: sampleDataOf('run_failed'),
  ...overrides,
});
const raw = (value: unknown): Uint8Array =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('checkEvent', () => {
  it('accepts a valid built-in event and returns the subscriptions selecting it', () => {
    const result = checkEvent('events.org_a.run_failed', raw(envelope()), deps());
    expect(result.ok && result.routes).toEqual([route]);
  });

  it('leaves out the subscriptions whose payload filter refuses the event, and counts them', () => {
    const failedOnly = filtered('wh_2', { type: 'run_failed', 'data.robotId': { $exists: true } });
    const succeededOnly = filtered('wh_3', { type: 'run_completed' });
    const result = checkEvent(
      'events.org_a.run_failed',
      raw(envelope()),
      deps([route, failedOnly, succeededOnly]),
    );
    expect(result.ok && result.routes.map((r) => r.id)).toEqual(['wh_1', 'wh_2']);
    expect(result.ok && result.filtered).toBe(1);
  });

  it('filters on source, subject and metadata as well as data', () => {
    const bySubject = filtered('wh_2', { subject: 'run_7', 'metadata.id': 'evt_1', source: null });
    const result = checkEvent(
      'events.org_a.run_failed',
      raw(envelope({ subject: 'run_7' })),
      deps([bySubject]),
    );
    expect(result.ok && result.routes).toHaveLength(1);
    const other = checkEvent(
      'events.org_a.run_failed',
      raw(envelope({ subject: 'run_8' })),
      deps([bySubject]),
    );
    expect(other.ok && other.routes).toHaveLength(0);
    expect(other.ok && other.filtered).toBe(1);
  });

  it('accepts a valid event nobody subscribed to, with nothing to deliver', () => {
    const result = checkEvent('events.org_a.run_failed', raw(envelope()), deps([]));
    expect(result.ok && result.routes).toEqual([]);
  });

  it.each([
    ['bad_subject', 'subscriptions.org_a.x', envelope()],
    ['invalid_json', 'events.org_a.run_failed', '{"id":'],
    ['invalid_envelope', 'events.org_a.run_failed', envelope({ id: 'has space' })],
    ['subject_mismatch', 'events.org_b.run_failed', envelope()],
    ['subject_mismatch', 'events.org_a.run_completed', envelope()],
    ['invalid_data', 'events.org_a.run_failed', envelope({ data: { robotId: 5 } })],
  ])('rejects %s', (code, subject, body) => {
    const result = checkEvent(subject, raw(body), deps());
    expect(!result.ok && result.rejection.code).toBe(code);
  });

  it('rejects an oversized event before parsing it', () => {
    const result = checkEvent('events.org_a.run_failed', raw(envelope()), deps([route], 64));
    expect(!result.ok && result.rejection.code).toBe('too_large');
  });

  it('accepts an organization type it cannot know only when a subscription selects it', () => {
    const custom = envelope({ type: 'invoice.paid', data: { amount: 3 } });
    expect(checkEvent('events.org_a.invoice.paid', raw(custom), deps()).ok).toBe(true);
    const unrouted = checkEvent('events.org_a.invoice.paid', raw(custom), deps([]));
    expect(!unrouted.ok && unrouted.rejection.code).toBe('unknown_type');
  });
});

describe('mayBeOrdered', () => {
  const ordered = { ...route, id: 'wh_o', state: { events: ['*'], ordering: 'subject' } } as unknown as Route;
  const asked: Array<[string, string]> = [];
  const matching = (routes: readonly Route[]) => ({
    matching: (organizationId: string, type: string): readonly Route[] => {
      asked.push([organizationId, type]);
      return routes;
    },
  });

  it('asks the table for the subject’s organization and type, and is true only for an ordered route', () => {
    expect(mayBeOrdered('events.org_a.workflow.completed', matching([route, ordered]))).toBe(true);
    expect(asked.at(-1)).toEqual(['org_a', 'workflow.completed']);
    expect(mayBeOrdered('events.org_a.workflow.completed', matching([route]))).toBe(false);
    expect(mayBeOrdered('events.org_a.workflow.completed', matching([]))).toBe(false);
  });

  it('is false for a subject that is not an event subject', () => {
    expect(mayBeOrdered('other.org_a.run_failed', matching([ordered]))).toBe(false);
    expect(mayBeOrdered('events.org_a', matching([ordered]))).toBe(false);
  });

  it('never skips an event that checkEvent would give an ordered route', () => {
    const subject = 'events.org_a.run_failed';
    const check = checkEvent(subject, raw(envelope()), deps([ordered]));
    expect(check.ok && check.routes).toEqual([ordered]);
    expect(mayBeOrdered(subject, matching([ordered]))).toBe(true);
  });
});
