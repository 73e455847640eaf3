import { type SubscriptionState, dispatchIdOf } from '@hookstream/contracts';
import { createdDispatch, testEvent } from './subscription-dispatch.plan';

const subscription = {
  id: 'wh_1',
  organizationId: 'org_a',
  profile: 'kaizen',
  payloadTemplate: null,
} as SubscriptionState;
const now = new Date('2026-11-23T10:00:00.000Z');
const ids = { next: (prefix: string) => `${prefix}_01ABC` };

describe('dispatches started by the subscriptions service', () => {
  it('marks test events by id and source', () => {
    expect(testEvent({ organizationId: 'org_a', type: 'TEST', data: {}, ids, now })).toEqual({
      id: 'evt_test_01ABC',
      type: 'TEST',
      organizationId: 'org_a',
      occurredAt: now.toISOString(),
      source: 'hookstream.test',
      data: {},
    });
  });

  it('continues the original dispatch under a new round, with a per-round message id', () => {
    const event = testEvent({ organizationId: 'org_a', type: 'TEST', data: { message: 'x' }, ids, now });
    const created = createdDispatch({
      subscription,
      event,
      round: 'rnd_1',
      test: true,
      now,
      publishedAt: 'p',
    });
    const dispatchId = dispatchIdOf(event.id, 'wh_1');
    expect(created.message.subject).toBe('deliveries.org_a.wh_1.created');
    expect(created.message.msgId).toBe(`${dispatchId}:rnd_1:created`);
    expect(JSON.parse(created.message.payload)).toEqual(created.fact);
    expect(created.message.headers).toEqual({
      'Hookstream-Dispatch-Id': dispatchId,
      'Hookstream-Fact': 'dispatch.created',
    });
    expect(created.fact.data).toMatchObject({
      dispatchId,
      round: 'rnd_1',
      test: true,
      eventType: 'TEST',
      publishedAt: 'p',
    });
    expect(JSON.parse(created.fact.data.body)).toEqual({ type: 'TEST', data: { message: 'x' } });
  });
});
