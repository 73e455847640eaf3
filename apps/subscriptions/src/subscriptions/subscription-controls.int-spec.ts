import { status as GrpcStatus } from '@grpc/grpc-js';
import { sampleDataOf, type SubscriptionState } from '@hookstream/contracts';
import { decryptSecret, publicKeyOf } from '@hookstream/webhooks';
import {
  lastSubscriptionFact,
  type PublishedFact,
  SECRETS_KEY,
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from '../testing/subscriptions.fixture';

/** Payload filters, ed25519 signing and ordered delivery through the API. */
describe('subscription filters, signature schemes and ordering', () => {
  let f: SubscriptionsFixture;
  let tenant: { key: string; organizationId: string };

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
    tenant = await f.tenant();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const create = (overrides: Record<string, unknown>, key = tenant.key) =>
    f.call('POST', '/webhooks', { key, body: subscriptionBody(overrides) });

  type Fact = PublishedFact;

  const lastFact = (id: string, shows?: (fact: Fact) => boolean): Promise<Fact> =>
    lastSubscriptionFact(f, tenant.organizationId, id, shows);

  const factWithSecrets = async (id: string, count: number): Promise<SubscriptionState> =>
    (await lastFact(id, (fact) => fact.data.secrets.length === count)).data;

  describe('filter', () => {
    it('is stored, returned and published with the subscription; null clears it', async () => {
      const filter = { 'data.status': { $in: ['FAILED', 'TIMED_OUT'] }, subject: { $regex: '^run_' } };
      const created = await create({ filter });
      expect(created.status).toBe(201);
      expect(created.body.filter).toEqual(filter);
      const { id } = created.body;
      expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body.filter).toEqual(filter);
      const fact = await lastFact(id);
      expect(fact.version).toBe(3);
      expect(fact.data.filter).toEqual(filter);
      const cleared = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: { filter: null } });
      expect(cleared.body.filter).toBeNull();
      expect((await lastFact(id, (fact) => fact.data.filter === null)).data.filter).toBeNull();
    });

    it.each([
      ['an unknown operator', { 'data.x': { $where: 'sleep(1000)' } }, 'unknown operator "$where"'],
      ['a field outside the event', { status: 'FAILED' }, 'unknown field "status"'],
      ['a wrong operand', { 'data.n': { $gt: [1] } }, 'data.n.$gt must be a number or a string'],
      ['an invalid pattern', { 'data.s': { $regex: '(' } }, 'not a valid regular expression'],
      [
        'a filter too large',
        { 'data.x': { $in: Array.from({ length: 2000 }, (_, i) => i) } },
        'at most 4096 bytes',
      ],
      ['a filter that is not an object', 'data.status == FAILED', 'filter must be an object'],
    ])('refuses %s with a 400 naming it', async (_what, filter, message) => {
      const reply = await create({ filter });
      expect(reply.status).toBe(400);
      expect(reply.body.error.type).toBe('validation_failed');
      expect(reply.body.error.message).toContain(message);
      expect(reply.body.error.fields).toEqual([
        { path: 'filter', message: expect.stringContaining(message) },
      ]);
      const { body } = await create({});
      const patched = await f.call('PATCH', `/webhooks/${body.id}`, { key: tenant.key, body: { filter } });
      expect([patched.status, patched.body.error.message]).toEqual([400, expect.stringContaining(message)]);
    });
  });

  describe('filter-test', () => {
    const events = [
      { id: `evt_ft_1_${Date.now()}`, subject: 'run_1', status: 'ok' },
      { id: `evt_ft_2_${Date.now()}`, subject: 'run_2', status: 'ok' },
      { id: `evt_ft_3_${Date.now()}`, subject: 'batch_3', status: 'ok' },
    ].map((e) => ({
      id: e.id,
      type: 'workflow.completed',
      occurredAt: new Date().toISOString(),
      subject: e.subject,
      data: sampleDataOf('workflow.completed'),
    }));
    let id: string;

    beforeAll(async () => {
      const ingested = await f.call('POST', '/events', { key: tenant.key, body: { events } });
      expect(ingested.status).toBe(202);
      id = (await create({ filter: { subject: { $regex: '^run_' } } })).body.id as string;
    });

    it("runs the saved filter on the organization's latest events, newest first", async () => {
      const reply = await f.call<{ results: Array<{ eventId: string; matched: boolean }> }>(
        'POST',
        `/webhooks/${id}/filter-test`,
        { key: tenant.key, body: { last: 2 } },
      );
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ filter: { subject: { $regex: '^run_' } }, tested: 2, matched: 1 });
      expect(reply.body.results.map((r) => [r.eventId, r.matched])).toEqual([
        [events[2]!.id, false],
        [events[1]!.id, true],
      ]);
      const all = await f.call('POST', `/webhooks/${id}/filter-test`, { key: tenant.key, body: {} });
      expect(all.body).toMatchObject({ tested: 3, matched: 2, delivered: 2 });
    });

    it('runs a given filter on a given event, over HTTP and gRPC alike', async () => {
      const body = {
        filter: { 'data.status': 'FAILED', source: 'engine' },
        event: { type: 'run_failed', source: 'engine', data: { status: 'FAILED' } },
      };
      const reply = await f.call('POST', `/webhooks/${id}/filter-test`, { key: tenant.key, body });
      expect(reply.body).toMatchObject({ tested: 1, matched: 1, delivered: 0 });
      expect(reply.body.results[0]).toMatchObject({ type: 'run_failed', selected: false, matched: true });
      const grpc = await f.grpc('Subscriptions')(
        'TestFilter',
        { id, filter_json: JSON.stringify(body.filter), event_json: JSON.stringify(body.event) },
        { key: tenant.key },
      );
      expect(grpc).toMatchObject({ tested: 1, matched: 1, delivered: 0 });
      expect(grpc.results[0]).toMatchObject({ type: 'run_failed', selected: false, matched: true });
      const latest = await f.grpc('Subscriptions')('TestFilter', { id, last: 3 }, { key: tenant.key });
      expect(latest).toMatchObject({ tested: 3, matched: 2 });
    });

    it.each([
      [{ last: 101 }, 'last must not be greater than 100'],
      [{ last: 2, event: { type: 'x', data: {} } }, 'either event or last'],
      [{ filter: { $foo: 1 } }, 'unknown operator "$foo"'],
      [{ event: { type: 'x' } }, 'event: data must be a JSON object'],
      [{ event: { type: 'x', data: {}, extra: 1 } }, 'event: unknown field "extra"'],
      [{ events: [] }, 'property events should not exist'],
    ])('refuses %j with a 400', async (body, message) => {
      const reply = await f.call('POST', `/webhooks/${id}/filter-test`, { key: tenant.key, body });
      expect([reply.status, reply.body.error.type]).toEqual([400, 'validation_failed']);
      expect(reply.body.error.message).toContain(message);
    });

    it('answers INVALID_ARGUMENT over gRPC, 404 for an unknown subscription', async () => {
      const call = f.grpc('Subscriptions');
      await expect(call('TestFilter', { id, filter_json: '[]' }, { key: tenant.key })).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        details: expect.stringContaining('filter_json must be a JSON object'),
      });
      await expect(
        call('TestFilter', { id, filter_json: '{"type":{"$near":1}}' }, { key: tenant.key }),
      ).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        details: expect.stringContaining('$near'),
      });
      const missing = await f.call('POST', '/webhooks/wh_missing/filter-test', { key: tenant.key, body: {} });
      expect(missing.status).toBe(404);
    });
  });

  describe('ed25519', () => {
    it('generates a key pair: the public key is readable, no secret is ever shown', async () => {
      const created = await create({ signature: 'ed25519' });
      expect(created.status).toBe(201);
      expect(created.body.secret).toBeUndefined();
      expect(created.body).toMatchObject({
        signature: 'ed25519',
        publicKey: expect.stringMatching(/^whpk_/),
      });
      const { id, publicKey } = created.body;
      expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body.publicKey).toBe(publicKey);
      const row = await f.db.query<{ secrets: SubscriptionState['secrets'] }>(
        'SELECT secrets FROM subscriptions WHERE id = $1',
        [id],
      );
      const stored = row.rows[0]!.secrets[0]!;
      const secretKey = decryptSecret(stored.ciphertext, SECRETS_KEY);
      expect(secretKey).toMatch(/^whsk_/);
      expect(publicKeyOf(secretKey)).toBe(publicKey);
      expect(JSON.stringify(await lastFact(id))).not.toContain(secretKey);
    });

    it('rotates to a new key pair, the previous key signing through the grace period', async () => {
      const { id, publicKey } = (await create({ signature: 'ed25519' })).body;
      const rotated = await f.call('POST', `/webhooks/${id}/rotate-secret`, { key: tenant.key });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toBeUndefined();
      expect(rotated.body.publicKey).toMatch(/^whpk_/);
      expect(rotated.body.publicKey).not.toBe(publicKey);
      const { secrets } = await factWithSecrets(id, 2);
      expect(secrets.map((s) => [s.publicKey, s.expiresAt === null])).toEqual([
        [rotated.body.publicKey, true],
        [publicKey, false],
      ]);
    });

    it('switches scheme as a rotation does: both sign during the grace, a new HMAC secret is shown', async () => {
      const { id } = (await create({})).body;
      const toEd = await f.call('PATCH', `/webhooks/${id}`, {
        key: tenant.key,
        body: { signature: 'ed25519' },
      });
      expect(toEd.status).toBe(200);
      expect(toEd.body).toMatchObject({ signature: 'ed25519', publicKey: expect.stringMatching(/^whpk_/) });
      expect(toEd.body.secret).toBeUndefined();
      const both = (await factWithSecrets(id, 2)).secrets;
      expect(both.map((s) => decryptSecret(s.ciphertext, SECRETS_KEY).slice(0, 5))).toEqual([
        'whsk_',
        'whsec',
      ]);
      const back = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: { signature: 'hmac' } });
      expect(back.body).toMatchObject({
        signature: 'hmac',
        publicKey: null,
        secret: expect.stringMatching(/^whsec_/),
      });
    });

    it.each([
      [
        'another profile',
        { signature: 'ed25519', profile: 'kaizen' },
        'signature',
        'needs the standard profile',
      ],
      [
        'a given secret',
        { signature: 'ed25519', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
        'secret',
        'cannot be set',
      ],
      [
        'an unknown scheme',
        { signature: 'rsa' },
        'signature',
        'signature must be one of the following values',
      ],
    ])('refuses %s', async (_what, overrides, path, message) => {
      const reply = await create(overrides);
      expect(reply.status).toBe(400);
      expect(reply.body.error.fields).toEqual([{ path, message: expect.stringContaining(message) }]);
    });

    it('refuses a change that would leave ed25519 on another profile, or a secret on ed25519', async () => {
      const { id } = (await create({ signature: 'ed25519' })).body;
      const profile = await f.call('PATCH', `/webhooks/${id}`, {
        key: tenant.key,
        body: { profile: 'elan' },
      });
      expect([profile.status, profile.body.error.fields[0].path]).toEqual([400, 'signature']);
      const secret = await f.call('PATCH', `/webhooks/${id}`, {
        key: tenant.key,
        body: { secret: 'a-shared-secret' },
      });
      expect([secret.status, secret.body.error.fields[0].path]).toEqual([400, 'secret']);
      expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body.profile).toBe('standard');
    });

    it('works over gRPC: Create with signature and filter_json, the public key in the answer', async () => {
      const reply = await f.grpc('Subscriptions')(
        'Create',
        {
          name: 'grpc',
          url: 'https://example.com/h',
          events: ['workflow.completed'],
          signature: 'ed25519',
          filter_json: '{"data.status":"FAILED"}',
        },
        { key: tenant.key },
      );
      expect(reply).toMatchObject({ signature: 'ed25519', filter_json: '{"data.status":"FAILED"}' });
      expect(reply.public_key).toMatch(/^whpk_/);
      expect(reply.secret).toBeFalsy();
      await expect(
        f.grpc('Subscriptions')(
          'Create',
          { name: 'g', url: 'https://example.com/h', events: ['*'], signature: 'ed25519', profile: 'apify' },
          { key: tenant.key },
        ),
      ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    });
  });

  describe('ordering', () => {
    it('defaults to none, is stored, returned and published as version 3, and changes back', async () => {
      const plain = await create({});
      expect(plain.body.ordering).toBe('none');
      const created = await create({ ordering: 'subject' });
      expect(created.status).toBe(201);
      expect(created.body.ordering).toBe('subject');
      const { id } = created.body;
      expect((await f.call('GET', `/webhooks/${id}`, { key: tenant.key })).body.ordering).toBe('subject');
      const fact = await lastFact(id);
      expect([fact.version, fact.data.ordering]).toEqual([3, 'subject']);
      const listed = await f.call('GET', '/webhooks', { key: tenant.key });
      const items = listed.body.items as Array<{ id: string; ordering: string }>;
      expect(items.find((item) => item.id === id)?.ordering).toBe('subject');
      const changed = await f.call('PATCH', `/webhooks/${id}`, {
        key: tenant.key,
        body: { ordering: 'none' },
      });
      expect(changed.body.ordering).toBe('none');
      expect((await lastFact(id, (last) => last.data.ordering === 'none')).data.ordering).toBe('none');
    });

    it.each([
      ['an unknown value', 'key'],
      ['another type', true],
      ['null', null],
    ])('refuses %s with a 400 naming the field', async (_what, ordering) => {
      const reply = await create({ ordering });
      expect(reply.status).toBe(400);
      expect(reply.body.error.type).toBe('validation_failed');
      expect(reply.body.error.fields).toEqual([
        { path: 'ordering', message: expect.stringContaining('ordering') },
      ]);
      const { id } = (await create({})).body;
      const patch = await f.call('PATCH', `/webhooks/${id}`, { key: tenant.key, body: { ordering } });
      expect([patch.status, patch.body.error.fields[0].path]).toEqual([400, 'ordering']);
    });

    it('works over gRPC: Create, Get and Update carry it; an unknown value is INVALID_ARGUMENT', async () => {
      const call = f.grpc('Subscriptions');
      const created = await call(
        'Create',
        {
          name: 'ordered',
          url: 'https://example.com/h',
          events: ['workflow.completed'],
          ordering: 'subject',
        },
        { key: tenant.key },
      );
      expect(created.ordering).toBe('subject');
      expect((await call('Get', { id: created.id }, { key: tenant.key })).ordering).toBe('subject');
      const updated = await call('Update', { id: created.id, ordering: 'none' }, { key: tenant.key });
      expect(updated.ordering).toBe('none');
      expect((await f.call('GET', `/webhooks/${created.id}`, { key: tenant.key })).body.ordering).toBe(
        'none',
      );
      const plain = await call(
        'Create',
        { name: 'plain', url: 'https://example.com/h', events: ['workflow.completed'] },
        { key: tenant.key },
      );
      expect(plain.ordering).toBe('none');
      await expect(
        call(
          'Create',
          { name: 'g', url: 'https://example.com/h', events: ['*'], ordering: 'fifo' },
          { key: tenant.key },
        ),
      ).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        details: expect.stringContaining('ordering'),
      });
      await expect(
        call('Update', { id: created.id, ordering: 'fifo' }, { key: tenant.key }),
      ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    });
  });
});
