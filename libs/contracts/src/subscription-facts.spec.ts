import { decodeSubscriptionFact } from './subscription-fact.decode';
import {
  subscriptionChanged,
  subscriptionDeleted,
  subscriptionFactMessage,
  type SubscriptionState,
} from './subscription-facts';

const now = new Date('2026-11-23T10:00:00.000Z');
const state: SubscriptionState = {
  id: 'wh_1',
  organizationId: 'org_a',
  name: 'n',
  url: 'https://example.com/',
  events: ['*'],
  active: true,
  profile: 'standard',
  payloadTemplate: null,
  headers: {},
  retryPolicy: null,
  timeoutMs: null,
  metadata: { team: 'a' },
  filter: null,
  signature: 'hmac',
  ordering: 'none',
  rateLimit: null,
  secrets: [{ ciphertext: 'abc', expiresAt: null }],
  disabledReason: null,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
};

describe('subscription facts', () => {
  it('go onto the subject of their subscription under the message id they were built with', () => {
    const changed = subscriptionChanged(state, 'obx_1', now);
    expect(subscriptionFactMessage(changed)).toEqual({
      subject: 'subscriptions.org_a.wh_1',
      payload: JSON.stringify(changed),
      msgId: 'obx_1',
      headers: {},
    });
    expect(subscriptionFactMessage(subscriptionDeleted(state, 'obx_2', now)).subject).toBe(
      'subscriptions.org_a.wh_1',
    );
  });

  it('decode back to what was built', () => {
    for (const fact of [subscriptionChanged(state, 'obx_1', now), subscriptionDeleted(state, 'obx_2', now)]) {
      expect(decodeSubscriptionFact(Buffer.from(subscriptionFactMessage(fact).payload))).toEqual({
        ok: true,
        fact,
      });
    }
  });
});
