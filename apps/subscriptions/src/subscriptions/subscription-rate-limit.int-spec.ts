import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  lastSubscriptionFact,
  type PublishedFact,
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from '../testing/subscriptions.fixture';

/** rateLimit through REST and gRPC: stored, shown, published on SUBSCRIPTIONS, validated alike. */
describe('subscription rate limits', () => {
  let f: SubscriptionsFixture;
  let tenant: { key: string; organizationId: string };

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
    tenant = await f.tenant();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const lastFact = (id: string, shows: (fact: PublishedFact) => boolean) =>
    lastSubscriptionFact(f, tenant.organizationId, id, shows);

  it('is stored, shown by GET /webhooks/:id and published in a version 3 fact; null removes it', async () => {
    const created = await f.call('POST', '/webhooks', {
      key: tenant.key,
      body: subscriptionBody({ rateLimit: { perSecond: 20 } }),
    });
    expect(created.status).toBe(201);
    expect(created.body.rateLimit).toEqual({ perSecond: 20 });
    const id = created.body.id as string;
    expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body.rateLimit).toEqual({
      perSecond: 20,
    });
    const fact = await lastFact(id, () => true);
    expect(fact.version).toBe(3);
    expect(fact.data.rateLimit).toEqual({ perSecond: 20 });

    const changed = await f.call('PATCH', `/webhooks/${id}`, {
      key: tenant.key,
      body: { rateLimit: { perSecond: 10_000 } },
    });
    expect(changed.body.rateLimit).toEqual({ perSecond: 10_000 });
    // A patch of other fields keeps it.
    const renamed = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: { name: 'renamed' } });
    expect(renamed.body.rateLimit).toEqual({ perSecond: 10_000 });
    const cleared = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: { rateLimit: null } });
    expect(cleared.body.rateLimit).toBeNull();
    expect((await lastFact(id, (last) => last.data.rateLimit === null)).data.rateLimit).toBeNull();
    const { rows } = await f.db.query('SELECT rate_limit_per_second FROM subscriptions WHERE id = $1', [id]);
    expect(rows[0].rate_limit_per_second).toBeNull();
  });

  it('defaults to no limit', async () => {
    const created = await f.call('POST', '/webhooks', { key: tenant.key, body: subscriptionBody() });
    expect(created.body.rateLimit).toBeNull();
  });

  const invalid: Array<[string, unknown]> = [
    ['zero', { perSecond: 0 }],
    ['over 10,000', { perSecond: 10_001 }],
    ['negative', { perSecond: -5 }],
    ['not an integer', { perSecond: 2.5 }],
    ['a string per second', { perSecond: '20' }],
    ['missing perSecond', {}],
    ['an unknown field', { perSecond: 5, burst: 10 }],
    ['a number instead of an object', 20],
    ['a string instead of an object', 'fast'],
    ['a list', [{ perSecond: 5 }]],
  ];

  it.each(invalid)(
    'refuses a rate limit that is %s with a 400 naming it, on create and update',
    async (_what, rateLimit) => {
      const reply = await f.call('POST', '/webhooks', {
        key: tenant.key,
        body: subscriptionBody({ rateLimit }),
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error.type).toBe('validation_failed');
      expect(reply.body.error.message).toContain('rateLimit');
      const created = await f.call('POST', '/webhooks', {
        key: tenant.key,
        body: subscriptionBody({ rateLimit: { perSecond: 7 } }),
      });
      const id = created.body.id as string;
      const update = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: { rateLimit } });
      expect([update.status, update.body.error?.type]).toEqual([400, 'validation_failed']);
      expect(update.body.error.message).toContain('rateLimit');
      expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body.rateLimit).toEqual({
        perSecond: 7,
      });
    },
  );

  it('works over gRPC with the same rules: Create, Update, clear_rate_limit', async () => {
    const subscriptions = f.grpc('Subscriptions');
    const auth = { key: tenant.key };
    const base = { name: 'grpc', url: 'https://example.com/h', events: ['workflow.completed'] };
    const created = await subscriptions('Create', { ...base, rate_limit: { per_second: 20 } }, auth);
    expect(created.rate_limit).toEqual({ per_second: 20 });
    const id = created.id as string;
    expect((await subscriptions('Get', { id }, auth)).rate_limit).toEqual({ per_second: 20 });
    const updated = await subscriptions('Update', { id, rate_limit: { per_second: 3 } }, auth);
    expect(updated.rate_limit).toEqual({ per_second: 3 });
    const cleared = await subscriptions('Update', { id, clear_rate_limit: true }, auth);
    expect(cleared.rate_limit).toBeFalsy();
    for (const perSecond of [0, 10_001]) {
      await expect(
        subscriptions('Create', { ...base, rate_limit: { per_second: perSecond } }, auth),
      ).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        details: expect.stringContaining('rateLimit'),
      });
      await expect(
        subscriptions('Update', { id, rate_limit: { per_second: perSecond } }, auth),
      ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    }
    await expect(
      subscriptions('Update', { id, clear_rate_limit: true, rate_limit: { per_second: 5 } }, auth),
    ).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: expect.stringContaining('clear_rate_limit'),
    });
    // gRPC has no null: a rate limit message without per_second is 0, refused like over REST.
    await expect(subscriptions('Create', { ...base, rate_limit: {} }, auth)).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
    });
  });
});
