import { decryptSecret } from '@hookstream/webhooks';
import { type SubscriptionState, subjects } from '@hookstream/contracts';
import { waitFor } from '@hookstream/testing';
import {
  SECRETS_KEY,
  type SubscriptionsFixture,
  pluck,
  startSubscriptionsFixture,
  subscriptionBody,
} from '../testing/subscriptions.fixture';

describe('subscriptions over HTTP', () => {
  let f: SubscriptionsFixture;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  async function lastFact(
    organizationId: string,
    id: string,
  ): Promise<{ raw: string; fact: { type: string; data: SubscriptionState } }> {
    const subject = subjects.subscription(organizationId, id);
    const msg = await f.jsm.streams.getMessage('SUBSCRIPTIONS', { last_by_subj: subject });
    const raw = msg!.string();
    return { raw, fact: JSON.parse(raw) };
  }

  it('runs the whole life cycle: create, get, list, update, rotate, delete', async () => {
    const { key, organizationId } = await f.tenant();
    const created = await f.call('POST', '/webhooks', {
      key,
      body: subscriptionBody({
        headers: { Authorization: 'Bearer static', 'X-Team': 'a' },
        metadata: { team: 'a' },
      }),
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    expect(id).toMatch(/^wh_/);
    expect(secret).toMatch(/^whsec_/);
    expect(created.body).toMatchObject({
      organizationId,
      name: 'Orders',
      url: 'https://example.com/hooks',
      events: ['workflow.completed'],
      active: true,
      profile: 'standard',
      payloadTemplate: null,
      headers: { Authorization: 'Bearer static', 'X-Team': 'a' },
      retryPolicy: null,
      timeoutMs: null,
      metadata: { team: 'a' },
      disabledReason: null,
    });

    const got = await f.call('GET', `/webhooks/${id}`, { key });
    expect(got.status).toBe(200);
    // A subscription that never failed has a closed circuit.
    expect(got.body).toEqual({
      ...created.body,
      secret: undefined,
      circuit: { state: 'closed', since: null, consecutiveFailures: 0, nextProbeAt: null, reason: null },
    });
    expect(got.text).not.toContain(secret);

    const list = await f.call('GET', '/webhooks', { key });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(pluck(list.body.items)).toEqual([id]);
    expect(list.text).not.toContain(secret);

    const patched = await f.call('PATCH', `/webhooks/${id}`, {
      key,
      body: {
        name: 'Renamed',
        events: ['workflow.*', 'run_failed'],
        profile: 'elan',
        payloadTemplate: '{"type": {{eventType}}, "data": {{resource}}}',
        retryPolicy: { schedule: ['1s', '1m'] },
        timeoutMs: 5000,
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Renamed',
      events: ['workflow.*', 'run_failed'],
      profile: 'elan',
      retryPolicy: { schedule: ['1s', '1m'] },
      timeoutMs: 5000,
      url: 'https://example.com/hooks',
    });
    expect(patched.body.secret).toBeUndefined();

    const cleared = await f.call('PATCH', `/webhooks/${id}`, {
      key,
      body: { payloadTemplate: null, retryPolicy: null, timeoutMs: null },
    });
    expect(cleared.body).toMatchObject({
      payloadTemplate: null,
      retryPolicy: null,
      timeoutMs: null,
      name: 'Renamed',
    });

    await waitFor(
      'the change on SUBSCRIPTIONS',
      async () => (await lastFact(organizationId, id)).fact.data.name === 'Renamed',
    );

    const rotated = await f.call('POST', `/webhooks/${id}/rotate-secret`, { key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);

    await waitFor(
      'the rotation on SUBSCRIPTIONS',
      async () => (await lastFact(organizationId, id)).fact.data.secrets.length === 2,
    );
    const { raw, fact } = await lastFact(organizationId, id);
    expect(fact.type).toBe('subscription.changed');
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(rotated.body.secret);
    const [current, previous] = fact.data.secrets;
    expect(current!.expiresAt).toBeNull();
    expect(decryptSecret(current!.ciphertext, SECRETS_KEY)).toBe(rotated.body.secret);
    expect(decryptSecret(previous!.ciphertext, SECRETS_KEY)).toBe(secret);
    expect(Date.parse(previous!.expiresAt!) - Date.parse(fact.data.updatedAt)).toBe(24 * 3600 * 1000);

    const deleted = await f.call('DELETE', `/webhooks/${id}`, { key });
    expect(deleted.status).toBe(204);
    expect((await f.call('GET', `/webhooks/${id}`, { key })).status).toBe(404);
    await waitFor(
      'the deletion on SUBSCRIPTIONS',
      async () => (await lastFact(organizationId, id)).fact.type === 'subscription.deleted',
    );
    expect((await f.call('GET', '/webhooks', { key })).body.total).toBe(0);

    expect(f.service.output()).not.toContain(secret);
    expect(f.service.output()).not.toContain(rotated.body.secret);
  });

  describe('tenancy and authentication', () => {
    it('hides another organization’s subscriptions: 404 on get, update, delete; absent from lists', async () => {
      const a = await f.tenant('A');
      const b = await f.tenant('B');
      const created = await f.call('POST', '/webhooks', { key: a.key, body: subscriptionBody() });
      const id = created.body.id as string;
      expect((await f.call('GET', `/webhooks/${id}`, { key: b.key })).status).toBe(404);
      const patch = await f.call('PATCH', `/webhooks/${id}`, { key: b.key, body: { name: 'stolen' } });
      expect(patch.status).toBe(404);
      expect(patch.body.error.type).toBe('not_found');
      expect((await f.call('DELETE', `/webhooks/${id}`, { key: b.key })).status).toBe(404);
      expect((await f.call('POST', `/webhooks/${id}/rotate-secret`, { key: b.key })).status).toBe(404);
      expect((await f.call('POST', `/webhooks/${id}/test`, { key: b.key })).status).toBe(404);
      expect((await f.call('GET', '/webhooks', { key: b.key })).body).toMatchObject({ total: 0, items: [] });
      expect((await f.call('GET', `/webhooks/${id}`, { key: a.key })).body.name).toBe('Orders');
    });

    it('selects the organization with X-Organization-Id and refuses one the key does not hold', async () => {
      const a = await f.tenant('A');
      const second = `${a.organizationId}_2`;
      expect((await f.admin('POST', '/admin/organizations', { id: second, name: 'Second' })).status).toBe(
        201,
      );
      const key = await f.admin('POST', '/admin/api-keys', {
        organizationIds: [a.organizationId, second],
        defaultOrganizationId: a.organizationId,
      });
      const created = await f.call('POST', '/webhooks', {
        key: key.body.key,
        organization: second,
        body: subscriptionBody(),
      });
      expect(created.body.organizationId).toBe(second);
      expect((await f.call('GET', '/webhooks', { key: key.body.key })).body.total).toBe(0);
      expect((await f.call('GET', '/webhooks', { key: key.body.key, organization: second })).body.total).toBe(
        1,
      );
      const other = await f.tenant('Other');
      const refused = await f.call('GET', '/webhooks', {
        key: key.body.key,
        organization: other.organizationId,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.type).toBe('forbidden');
    });

    it('answers 401 without a key, with an unknown key and with a revoked key', async () => {
      const a = await f.tenant();
      expect((await f.call('GET', '/webhooks')).status).toBe(401);
      const unknown = await f.call('GET', '/webhooks', { key: 'hs_live_unknown' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.type).toBe('unauthorized');
      expect((await f.call('GET', '/webhooks', { key: a.key })).status).toBe(200);
      expect((await f.admin('DELETE', `/admin/api-keys/${a.keyId}`)).status).toBe(204);
      // Keys are cached for a few seconds; the revocation takes effect within that bound.
      await waitFor(
        'the revoked key refused',
        async () => (await f.call('GET', '/webhooks', { key: a.key })).status === 401,
      );
    });
  });
});
