import { EventCatalog, validateEnvelope } from '@hookstream/contracts';
import { webhookDisabledEvent } from './webhook-disabled.event';

describe('webhookDisabledEvent', () => {
  const subscription = {
    id: 'wh_1',
    organizationId: 'org_a',
    url: 'https://example.com/in',
    updatedAtMs: 1_700_000_000_000,
  };
  const at = new Date('2026-01-01T00:00:00.000Z');

  it('is a valid envelope whose data satisfies the catalog schema', () => {
    const event = webhookDisabledEvent(subscription, 'HTTP 410: the endpoint is gone', at);
    expect(validateEnvelope(event).ok).toBe(true);
    expect(new EventCatalog().validate('org_a', event.type, event.data)).toEqual({ ok: true });
    expect(event.data).toEqual({
      subscriptionId: 'wh_1',
      url: 'https://example.com/in',
      reason: 'HTTP 410: the endpoint is gone',
      disabledAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('has the same id for the same subscription state, a new one after a change', () => {
    const first = webhookDisabledEvent(subscription, 'a', at).id;
    expect(webhookDisabledEvent(subscription, 'b', new Date()).id).toBe(first);
    expect(webhookDisabledEvent({ ...subscription, updatedAtMs: 1_700_000_000_001 }, 'a', at).id).not.toBe(
      first,
    );
    expect(first).toBe('whdis_wh_1_1700000000000');
  });
});
