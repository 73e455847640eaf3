import { EventCatalog } from './catalog';
import { validateEnvelope } from './envelope';
import {
  decodeWebhookDisabled,
  WEBHOOK_DISABLED_FILTER,
  webhookDisabledEvent,
  webhookDisabledMessage,
} from './webhook-disabled';

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

describe('webhook.disabled decoding', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');
  const body = (data: Record<string, unknown>) =>
    Buffer.from(
      JSON.stringify({
        id: 'whdis_wh_1_1',
        type: 'webhook.disabled',
        organizationId: 'org_a',
        occurredAt: now.toISOString(),
        data,
      }),
    );

  it('reads the subscription and the reason', () => {
    const decision = decodeWebhookDisabled(
      'events.org_a.webhook.disabled',
      body({ subscriptionId: 'wh_1', reason: '410' }),
      1024,
    );
    expect(decision).toMatchObject({
      ok: true,
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      reason: '410',
    });
  });

  it('reads back what the dispatcher publishes, on a subject the filter selects', () => {
    const subscription = {
      id: 'wh_1',
      organizationId: 'org_a',
      url: 'https://example.com/in',
      updatedAtMs: 1,
    };
    const event = webhookDisabledEvent(subscription, 'HTTP 410', now);
    const message = webhookDisabledMessage(event);
    expect(message).toMatchObject({ subject: 'events.org_a.webhook.disabled', msgId: event.id, headers: {} });
    expect(WEBHOOK_DISABLED_FILTER).toBe('events.*.webhook.disabled');
    expect(decodeWebhookDisabled(message.subject, Buffer.from(message.payload), 1024)).toEqual({
      ok: true,
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      reason: 'HTTP 410',
      event,
    });
  });

  it('refuses other subjects, a mismatched organization and a missing subscription id', () => {
    expect(decodeWebhookDisabled('events.org_a.TEST', body({ subscriptionId: 'wh_1' }), 1024).ok).toBe(false);
    expect(
      decodeWebhookDisabled('events.org_b.webhook.disabled', body({ subscriptionId: 'wh_1' }), 1024).ok,
    ).toBe(false);
    expect(decodeWebhookDisabled('events.org_a.webhook.disabled', body({}), 1024).ok).toBe(false);
  });
});
