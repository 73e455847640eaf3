import { subscriptionChanged, subscriptionDeleted, type SubscriptionState } from '@hookstream/contracts';
import { applyPatch, createState, disableState } from './subscription.state';

const created = createState({
  id: 'wh_1',
  organizationId: 'org_a',
  draft: {
    name: 'n',
    url: 'https://example.com',
    events: ['*'],
    active: true,
    profile: 'standard',
    payloadTemplate: '{"a": 1}',
    headers: { 'X-A': '1' },
    retryPolicy: { schedule: ['1s'] },
    timeoutMs: 2000,
    metadata: { k: 'v' },
    filter: { 'data.status': 'FAILED' },
    signature: 'hmac',
    ordering: 'none',
    rateLimit: { perSecond: 20 },
  },
  secrets: [{ ciphertext: 'c', expiresAt: null }],
  now: new Date('2026-11-23T10:00:00.000Z'),
});
const later = new Date('2026-11-23T11:00:00.000Z');

describe('subscription state', () => {
  it('starts enabled, without a disabled reason, created and updated now', () => {
    expect(created).toMatchObject({
      active: true,
      disabledReason: null,
      createdAt: '2026-11-23T10:00:00.000Z',
    });
    expect(created.updatedAt).toBe(created.createdAt);
  });

  it('changes only the fields of the patch; null clears a nullable field', () => {
    const next = applyPatch(
      created,
      { name: 'm', payloadTemplate: null, retryPolicy: null, timeoutMs: null },
      later,
    );
    expect(next).toEqual({
      ...created,
      name: 'm',
      payloadTemplate: null,
      retryPolicy: null,
      timeoutMs: null,
      updatedAt: later.toISOString(),
    });
  });

  it('drops expired secrets on any change', () => {
    const state: SubscriptionState = {
      ...created,
      secrets: [
        { ciphertext: 'new', expiresAt: null },
        { ciphertext: 'old', expiresAt: '2026-11-23T10:30:00.000Z' },
      ],
    };
    expect(applyPatch(state, {}, later).secrets).toEqual([{ ciphertext: 'new', expiresAt: null }]);
  });

  it('records the reason when disabled, and clears it when enabled again', () => {
    const disabled = disableState(created, 'endpoint answered 410', later);
    expect(disabled).toMatchObject({ active: false, disabledReason: 'endpoint answered 410' });
    expect(applyPatch(disabled, { name: 'still off' }, later).disabledReason).toBe('endpoint answered 410');
    expect(applyPatch(disabled, { active: true }, later)).toMatchObject({
      active: true,
      disabledReason: null,
    });
  });

  it('builds versioned facts carrying the outbox id as message id', () => {
    expect(subscriptionChanged(created, 'obx_1', later)).toEqual({
      type: 'subscription.changed',
      version: 3,
      data: created,
      metadata: { messageId: 'obx_1', occurredAt: later.toISOString() },
    });
    expect(subscriptionDeleted(created, 'obx_2', later)).toEqual({
      type: 'subscription.deleted',
      version: 1,
      data: { id: 'wh_1', organizationId: 'org_a', deletedAt: later.toISOString() },
      metadata: { messageId: 'obx_2', occurredAt: later.toISOString() },
    });
  });
});
