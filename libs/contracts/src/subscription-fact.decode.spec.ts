import { decodeSubscriptionFact } from './subscription-fact.decode';

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

const data = {
  id: 'wh_1',
  organizationId: 'org_a',
  name: 'n',
  url: 'https://example.com/',
  events: ['*'],
  active: true,
  profile: 'kaizen',
  payloadTemplate: null,
  headers: { 'X-Team': 'a' },
  retryPolicy: { schedule: ['1s'] },
  timeoutMs: 5000,
  metadata: {},
  secrets: [{ ciphertext: 'abc', expiresAt: null }],
  disabledReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const metadata = { messageId: 'm', occurredAt: '2026-01-01T00:00:00.000Z' };

describe('decodeSubscriptionFact', () => {
  it('reads a changed and a deleted fact', () => {
    const changed = decodeSubscriptionFact(
      encode({ type: 'subscription.changed', version: 1, data, metadata }),
    );
    expect(changed.ok && changed.fact.type).toBe('subscription.changed');
    const deleted = decodeSubscriptionFact(
      encode({
        type: 'subscription.deleted',
        version: 1,
        data: { id: 'wh_1', organizationId: 'org_a' },
        metadata,
      }),
    );
    expect(deleted.ok && deleted.fact.data.id).toBe('wh_1');
  });

  it('upcasts a version 1 state (no filter, HMAC, unordered) and reads version 2 unordered', () => {
    const v1 = decodeSubscriptionFact(encode({ type: 'subscription.changed', version: 1, data, metadata }));
    expect(v1.ok && v1.fact.version).toBe(3);
    expect(v1.ok && v1.fact.type === 'subscription.changed' && v1.fact.data).toMatchObject({
      filter: null,
      signature: 'hmac',
      ordering: 'none',
      rateLimit: null,
    });
    const v2data = {
      ...data,
      filter: { 'data.status': 'FAILED' },
      signature: 'ed25519',
      secrets: [{ ciphertext: 'abc', expiresAt: null, publicKey: 'whpk_x' }],
    };
    const v2 = decodeSubscriptionFact(
      encode({ type: 'subscription.changed', version: 2, data: v2data, metadata }),
    );
    expect(v2.ok && v2.fact.data).toEqual({ ...v2data, ordering: 'none', rateLimit: null });
  });

  it('reads version 3 with its rate limit', () => {
    const v3data = {
      ...data,
      filter: null,
      signature: 'hmac',
      ordering: 'none',
      rateLimit: { perSecond: 20 },
    };
    const v3 = decodeSubscriptionFact(
      encode({ type: 'subscription.changed', version: 3, data: v3data, metadata }),
    );
    expect(v3.ok && v3.fact.data).toEqual(v3data);
  });

  it('reads version 3 with its ordering and refuses an unknown one', () => {
    const v3data = { ...data, filter: null, signature: 'hmac', ordering: 'subject', rateLimit: null };
    const v3 = decodeSubscriptionFact(
      encode({ type: 'subscription.changed', version: 3, data: v3data, metadata }),
    );
    expect(v3.ok && v3.fact.data).toEqual(v3data);
    const unknown = decodeSubscriptionFact(
      encode({ type: 'subscription.changed', version: 3, data: { ...v3data, ordering: 'key' }, metadata }),
    );
    expect(unknown).toEqual({ ok: false, reason: 'ordering is unknown' });
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['another version', encode({ type: 'subscription.changed', version: 4, data, metadata })],
    ...[0, 10_001, 2.5, '20'].map((perSecond): [string, Uint8Array] => [
      `a rate limit of ${JSON.stringify(perSecond)} per second`,
      encode({
        type: 'subscription.changed',
        version: 3,
        data: { ...data, filter: null, signature: 'hmac', rateLimit: { perSecond } },
        metadata,
      }),
    ]),
    [
      'a filter that is not an object',
      encode({
        type: 'subscription.changed',
        version: 2,
        data: { ...data, filter: 'x', signature: 'hmac' },
        metadata,
      }),
    ],
    [
      'an unknown signature scheme',
      encode({
        type: 'subscription.changed',
        version: 2,
        data: { ...data, filter: null, signature: 'rsa' },
        metadata,
      }),
    ],
    ['an unknown type', encode({ type: 'subscription.moved', version: 1, data, metadata })],
    [
      'an unknown profile',
      encode({ type: 'subscription.changed', version: 1, data: { ...data, profile: 'x' }, metadata }),
    ],
    [
      'a non-string header',
      encode({ type: 'subscription.changed', version: 1, data: { ...data, headers: { a: 1 } }, metadata }),
    ],
    [
      'secrets in clear',
      encode({ type: 'subscription.changed', version: 1, data: { ...data, secrets: ['whsec_x'] }, metadata }),
    ],
    [
      'a bad updatedAt',
      encode({ type: 'subscription.changed', version: 1, data: { ...data, updatedAt: 'later' }, metadata }),
    ],
  ])('refuses %s with a reason', (_what, raw) => {
    const result = decodeSubscriptionFact(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });
});
