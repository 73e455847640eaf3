import { status } from '@grpc/grpc-js';
import { jetstream } from '@nats-io/jetstream';
import { subjects, type CircuitRecord } from '@hookstream/contracts';
import {
  type GrpcClient,
  pluck,
  type SubscriptionsFixture,
  startSubscriptionsFixture,
} from '../testing/subscriptions.fixture';

describe('subscriptions over gRPC', () => {
  let f: SubscriptionsFixture;
  let subscriptions: GrpcClient;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
    subscriptions = f.grpc('Subscriptions');
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const expectCode = async (call: Promise<unknown>, code: status, message?: string) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e as { code: number; details: string; metadata: { get(name: string): unknown[] } },
    );
    expect(error?.code).toBe(code);
    if (message) expect(error?.details).toContain(message);
    return error;
  };

  it('runs the whole life cycle', async () => {
    const { key, organizationId } = await f.tenant();
    const auth = { key };
    const created = await subscriptions(
      'Create',
      {
        name: 'Runs',
        url: 'https://example.com/runs',
        events: ['run_completed', 'run_failed'],
        headers: { 'X-Team': 'runs' },
        profile: 'maxun',
        metadata_json: '{"owner":"ops"}',
        timeout_ms: 3000,
      },
      auth,
    );
    expect(created).toMatchObject({
      organization_id: organizationId,
      name: 'Runs',
      events: ['run_completed', 'run_failed'],
      active: true,
      profile: 'maxun',
      headers: { 'X-Team': 'runs' },
      metadata_json: '{"owner":"ops"}',
      timeout_ms: 3000,
    });
    expect(created.secret).toMatch(/^whsec_/);
    const id = created.id as string;

    const got = await subscriptions('Get', { id }, auth);
    expect(got.secret).toBeUndefined();
    // A subscription that never failed has a closed circuit, with no time and no reason.
    expect(got).toEqual({
      ...created,
      secret: undefined,
      _secret: undefined,
      circuit: { state: 'closed', consecutive_failures: 0 },
      _circuit: 'circuit',
    });

    const listed = await subscriptions('List', {}, auth);
    expect(listed).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(pluck(listed.items)).toEqual([id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const updated = await subscriptions(
      'Update',
      {
        id,
        name: 'Runs 2',
        timeout_ms: 0,
        replace_headers: true,
        headers: {},
        payload_template: '{"t": {{eventType}}}',
      },
      auth,
    );
    expect(updated).toMatchObject({ name: 'Runs 2', headers: {}, payload_template: '{"t": {{eventType}}}' });
    expect(updated.timeout_ms).toBeUndefined();
    expect(updated.url).toBe('https://example.com/runs');

    const rotated = await subscriptions('RotateSecret', { id }, auth);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);

    const test = await subscriptions('Test', { id, event_type: 'run_failed' }, auth);
    expect(test.dispatch_id).toMatch(/^dsp_/);

    await subscriptions('Delete', { id }, auth);
    await expectCode(subscriptions('Get', { id }, auth), status.NOT_FOUND);
  });

  it('applies the same validation, with INVALID_ARGUMENT and the error type', async () => {
    const { key, organizationId } = await f.tenant();
    const base = { name: 'x', url: 'https://example.com/x', events: ['workflow.completed'] };
    const error = await expectCode(
      subscriptions('Create', { ...base, url: 'http://example.com/x' }, { key }),
      status.INVALID_ARGUMENT,
      'https',
    );
    expect(error?.metadata.get('error-type')).toEqual(['validation_failed']);
    await expectCode(
      subscriptions('Create', { ...base, name: '' }, { key }),
      status.INVALID_ARGUMENT,
      'name',
    );
    await expectCode(
      subscriptions('Create', { ...base, events: [] }, { key }),
      status.INVALID_ARGUMENT,
      'events',
    );
    await expectCode(
      subscriptions('Create', { ...base, headers: { Host: 'x' } }, { key }),
      status.INVALID_ARGUMENT,
      'reserved',
    );
    await expectCode(
      subscriptions('Create', { ...base, metadata_json: '[1]' }, { key }),
      status.INVALID_ARGUMENT,
      'metadata_json',
    );
    await expectCode(
      subscriptions('Create', { ...base, profile: 'nope' }, { key }),
      status.INVALID_ARGUMENT,
      'profile',
    );
    const { rows } = await f.db.query(
      'SELECT count(*)::int AS n FROM subscriptions WHERE organization_id = $1',
      [organizationId],
    );
    expect(rows[0].n).toBe(0);
  });

  it('authenticates through the authorization metadata and hides other organizations', async () => {
    const a = await f.tenant('A');
    const b = await f.tenant('B');
    const created = await subscriptions(
      'Create',
      { name: 'a', url: 'https://example.com/a', events: ['*'] },
      { key: a.key },
    );
    await expectCode(subscriptions('Get', { id: created.id }, {}), status.UNAUTHENTICATED);
    await expectCode(
      subscriptions('Get', { id: created.id }, { key: 'hs_live_nope' }),
      status.UNAUTHENTICATED,
    );
    await expectCode(
      subscriptions('Get', { id: created.id }, { key: a.key, organization: b.organizationId }),
      status.PERMISSION_DENIED,
    );
    await expectCode(subscriptions('Get', { id: created.id }, { key: b.key }), status.NOT_FOUND);
    await expectCode(
      subscriptions('Update', { id: created.id, name: 'b' }, { key: b.key }),
      status.NOT_FOUND,
    );
    await expectCode(subscriptions('Delete', { id: created.id }, { key: b.key }), status.NOT_FOUND);
    expect((await subscriptions('List', {}, { key: b.key })).total).toBe(0);
  });

  it('shows an open circuit on Get and closes it with Recover', async () => {
    const { key, organizationId } = await f.tenant();
    const other = await f.tenant('Other');
    const created = await subscriptions(
      'Create',
      { name: 'c', url: 'https://example.com/c', events: ['*'] },
      { key },
    );
    const id = created.id as string;
    // The record a dispatcher writes when the endpoint kept failing.
    const open: CircuitRecord = {
      subscriptionId: id,
      organizationId,
      state: 'open',
      since: '2026-12-01T10:00:00.000Z',
      consecutiveFailures: 5,
      nextProbeAt: '2026-12-01T10:00:30.000Z',
      failedProbes: 0,
      reason: 'HTTP 503',
    };
    await jetstream(f.nc).publish(subjects.circuit(organizationId, id), JSON.stringify(open));

    const got = await subscriptions('Get', { id }, { key });
    expect(got.circuit).toMatchObject({
      state: 'open',
      since: '2026-12-01T10:00:00.000Z',
      consecutive_failures: 5,
      next_probe_at: '2026-12-01T10:00:30.000Z',
      reason: 'HTTP 503',
    });
    // Only Get carries the circuit, as over REST.
    expect((await subscriptions('List', {}, { key })).items[0].circuit).toBeUndefined();

    await expectCode(subscriptions('Recover', { id }, {}), status.UNAUTHENTICATED);
    await expectCode(subscriptions('Recover', { id }, { key: other.key }), status.NOT_FOUND);
    await expectCode(subscriptions('Recover', { id: 'wh_missing' }, { key }), status.NOT_FOUND);
    expect((await subscriptions('Get', { id }, { key })).circuit.state).toBe('open');

    const recovered = await subscriptions('Recover', { id }, { key });
    expect(recovered).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(recovered.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(recovered.next_probe_at).toBeUndefined();
    expect(recovered.reason).toBeUndefined();
    expect((await subscriptions('Get', { id }, { key })).circuit).toMatchObject({
      state: 'closed',
      since: recovered.since,
      consecutive_failures: 0,
    });
  });
});
