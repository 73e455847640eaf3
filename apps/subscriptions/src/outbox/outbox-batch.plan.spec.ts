import type { SubscriptionFact } from '@hookstream/contracts';
import { compareSeq, publishesOf, type OutboxRow } from './outbox-batch.plan';

const fact = (name: string) =>
  ({ type: 'subscription.changed', data: { name } }) as unknown as SubscriptionFact;
const row = (id: string, seq: string, subscription = 'wh_1'): OutboxRow => ({
  id,
  seq,
  organization_id: 'org_a',
  subscription_id: subscription,
  fact: fact(id),
});

describe('outbox ordering', () => {
  it('publishes in outbox sequence order, numerically', () => {
    const rows = [
      row('obx_c', '10'),
      row('obx_a', '9'),
      row('obx_b', '9007199254740993'),
      row('obx_d', '11', 'wh_2'),
    ];
    expect(publishesOf(rows).map((p) => p.id)).toEqual(['obx_a', 'obx_c', 'obx_d', 'obx_b']);
  });

  it('publishes each change to its subscription subject under the outbox id', () => {
    expect(publishesOf([row('obx_a', '1', 'wh_9')])).toEqual([
      { id: 'obx_a', subject: 'subscriptions.org_a.wh_9', msgId: 'obx_a', fact: fact('obx_a') },
    ]);
  });

  it('compares sequences beyond the safe integer range', () => {
    expect(compareSeq('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareSeq('2', '10')).toBe(-1);
    expect(compareSeq('7', '7')).toBe(0);
  });
});
