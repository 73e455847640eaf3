import { createPublicKey, verify } from 'node:crypto';
import { dispatchIdOf, refOf, sampleDataOf } from '@hookstream/contracts';
import { startReceiver, type ReceivedRequest, type Receiver } from '@hookstream/testing';
import { generateSigningKeyPair } from '@hookstream/webhooks';
import { DispatcherHarness } from '../testing/dispatcher.harness';

/** A receiver's own check, with node:crypto and the whpk_ key only (no Hookstream code). */
function verifiesWith(publicKey: string, request: ReceivedRequest): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice(5), 'base64').toString('base64url') },
    format: 'jwk',
  });
  const { headers } = request;
  const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${request.body}`);
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1a' && verify(null, content, key, Buffer.from(signature ?? '', 'base64'));
  });
}

describe('payload filters and ed25519 signatures (spawned dispatcher, real NATS, local receiver)', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  let dispatcher: Awaited<ReturnType<DispatcherHarness['startDispatcher']>>;
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    receiver = await startReceiver();
    dispatcher = await harness.startDispatcher({ DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}` });
  });

  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it('delivers only the events the filter passes; the others get no dispatch and are counted', async () => {
    const filtered = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/filtered`,
      events: ['order.*'],
      filter: { 'data.status': 'FAILED', subject: { $regex: '^run_' } },
    });
    const everything = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/everything`,
      events: ['order.*'],
    });
    const facts = harness.facts(org);
    const before = await harness.metric(dispatcher, 'hookstream_dispatches_filtered_total');
    const events = [
      { ...harness.event(org, 'order.failed', { status: 'FAILED' }), subject: 'run_1' },
      { ...harness.event(org, 'order.completed', { status: 'SUCCEEDED' }), subject: 'run_2' },
      { ...harness.event(org, 'order.failed', { status: 'FAILED' }), subject: 'other' },
    ];
    for (const event of events) await harness.publishEvent(event);

    await receiver.waitForRequests(3, '/everything');
    const [delivered] = await receiver.waitForRequests(1, '/filtered');
    expect(JSON.parse(delivered!.body)).toMatchObject({
      type: 'order.failed',
      data: { status: 'FAILED' },
    });
    await facts.waitFor('the three dispatches of the unfiltered subscription', (items) =>
      events.every((event) =>
        items.some((fact) => refOf(fact).dispatchId === dispatchIdOf(event.id, everything.state.id)),
      ),
    );
    expect(receiver.requests.filter((r) => r.path === '/filtered')).toHaveLength(1);
    const filteredDispatches = facts.items.filter((fact) => refOf(fact).subscriptionId === filtered.state.id);
    expect(new Set(filteredDispatches.map((fact) => refOf(fact).dispatchId))).toEqual(
      new Set([dispatchIdOf(events[0]!.id, filtered.state.id)]),
    );
    expect((await harness.metric(dispatcher, 'hookstream_dispatches_filtered_total')) - before).toBe(2);
  });

  it('signs with the subscription key pair: v1a verifies with the public key alone, both keys during a rotation', async () => {
    const [current, previous] = [generateSigningKeyPair(), generateSigningKeyPair()];
    await harness.subscribe(
      {
        organizationId: org,
        url: `${receiver.url}/ed25519`,
        events: ['workflow.completed'],
        signature: 'ed25519',
      },
      [
        { plain: current.secretKey, expiresAt: null },
        { plain: previous.secretKey, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    );
    await harness.publishEvent(harness.event(org, 'workflow.completed', sampleDataOf('workflow.completed')!));
    const [request] = await receiver.waitForRequests(1, '/ed25519');
    const entries = request!.headers['webhook-signature']!.split(' ');
    expect(entries.map((entry) => entry.split(',')[0])).toEqual(['v1a', 'v1a']);
    expect(verifiesWith(current.publicKey, request!)).toBe(true);
    expect(verifiesWith(previous.publicKey, request!)).toBe(true);
    expect(verifiesWith(generateSigningKeyPair().publicKey, request!)).toBe(false);
    expect(request!.headers['x-webhook-signature']).toBeUndefined();
  });
});
