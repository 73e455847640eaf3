import { createPublicKey, verify } from 'node:crypto';
import { dispatchIdOf } from '@hookstream/contracts';
import { startReceiver, waitFor, type ReceivedRequest, type Receiver } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';

/** A receiver's own v1a check: node:crypto and the whpk_ key from the API, nothing of Hookstream. */
function verifiesWith(publicKey: string, request: ReceivedRequest): boolean {
  const x = Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  const { headers } = request;
  const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${request.body}`);
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1a' && verify(null, content, key, Buffer.from(signature ?? '', 'base64'));
  });
}

/** Payload filters, ed25519 signatures and rate limits, from the API to the receiver. */
describe('delivery controls across the three services', () => {
  let stack: Stack;
  let receiver: Receiver;
  let tenant: Tenant;
  let sequence = 0;

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack(), startReceiver()]);
    tenant = await stack.tenant();
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.dispose();
  });

  const event = (subject: string) => ({
    id: `evt_controls_${Date.now()}_${sequence++}`,
    type: 'workflow.completed',
    occurredAt: new Date().toISOString(),
    subject,
    data: { workflow_id: 'wf_1', status: 'completed' },
  });

  /** Publishes until the path received one (the routing table picks subscriptions up asynchronously). */
  async function publishUntilDelivered(path: string, subject = 'any'): Promise<ReceivedRequest> {
    const before = receiver.requestsTo(path).length;
    await waitFor(`a delivery to ${path}`, async () => {
      expect((await tenant.call('POST', '/events', event(subject))).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return receiver.requestsTo(path).length > before;
    });
    return receiver.requestsTo(path).at(-1)!;
  }

  it('signs an ed25519 subscription with v1a, verified with the public key from the API, through a rotation', async () => {
    const created = await tenant.call<{ id: string; publicKey: string; secret?: string }>(
      'POST',
      '/webhooks',
      {
        name: 'asymmetric',
        url: `${receiver.url}/ed25519`,
        events: ['workflow.completed'],
        signature: 'ed25519',
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toBeUndefined();
    const { publicKey } = (await tenant.call<{ publicKey: string }>('GET', `/webhooks/${created.body.id}`))
      .body;
    expect(publicKey).toBe(created.body.publicKey);

    const first = await publishUntilDelivered('/ed25519');
    expect(first.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesWith(publicKey, first)).toBe(true);

    const rotated = await tenant.call<{ publicKey: string }>(
      'POST',
      `/webhooks/${created.body.id}/rotate-secret`,
    );
    await waitFor('both keys signing', async () => {
      const request = await publishUntilDelivered('/ed25519');
      return request.headers['webhook-signature']!.split(' ').length === 2;
    });
    const during = receiver.requestsTo('/ed25519').at(-1)!;
    expect(verifiesWith(rotated.body.publicKey, during)).toBe(true);
    expect(verifiesWith(publicKey, during)).toBe(true);
  });

  it('delivers only what the filter passes, and filter-test tells the same from the event log', async () => {
    const filtered = await tenant.call<{ id: string }>('POST', '/webhooks', {
      name: 'filtered',
      url: `${receiver.url}/filtered`,
      events: ['workflow.completed'],
      filter: { subject: { $in: ['keep'] } },
    });
    expect(filtered.status).toBe(201);
    // Created after the filtered one: once it receives, the routing table holds both.
    await tenant.call('POST', '/webhooks', {
      name: 'sentinel',
      url: `${receiver.url}/sentinel`,
      events: ['workflow.completed'],
    });
    await publishUntilDelivered('/sentinel', 'warm-up');

    const [dropped, kept] = [event('drop'), event('keep')];
    for (const e of [dropped, kept]) expect((await tenant.call('POST', '/events', e)).status).toBe(202);
    const sentinelIds = () => receiver.requestsTo('/sentinel').map((r) => r.headers['webhook-id']);
    await waitFor(
      'the sentinel received both',
      async () => sentinelIds().length >= 2 && receiver.requestsTo('/filtered').length > 0,
    );
    expect(receiver.requestsTo('/filtered').map((r) => r.headers['webhook-id'])).toEqual([
      dispatchIdOf(kept.id, filtered.body.id),
    ]);

    const test = await tenant.call<{ results: Array<{ eventId: string; matched: boolean }> }>(
      'POST',
      `/webhooks/${filtered.body.id}/filter-test`,
      { last: 2 },
    );
    expect(test.status).toBe(200);
    expect(test.body.results.map((r) => [r.eventId, r.matched])).toEqual([
      [kept.id, true],
      [dropped.id, false],
    ]);
  });

  it('sends no faster than the rate limit set through the API, and delivers everything', async () => {
    const limited = await tenant.call<{ id: string; rateLimit: { perSecond: number } }>('POST', '/webhooks', {
      name: 'limited',
      url: `${receiver.url}/limited`,
      events: ['workflow.completed'],
      rateLimit: { perSecond: 5 },
    });
    expect(limited.status).toBe(201);
    const shown = await tenant.call<{ rateLimit: unknown }>('GET', `/webhooks/${limited.body.id}`);
    expect(shown.body.rateLimit).toEqual({ perSecond: 5 });
    await publishUntilDelivered('/limited', 'warm-up');

    const events = Array.from({ length: 20 }, () => event('burst'));
    expect((await tenant.call('POST', '/events', { events })).status).toBe(202);
    const ids = events.map((e) => dispatchIdOf(e.id, limited.body.id));
    const delivered = () => new Set(receiver.requestsTo('/limited').map((r) => r.headers['webhook-id']));
    await waitFor('the burst delivered', async () => ids.every((id) => delivered().has(id)), 30_000);
    const arrivals = receiver
      .requestsTo('/limited')
      .filter((r) => ids.includes(r.headers['webhook-id']!))
      .map((r) => r.receivedAt);
    // 20 requests at 5/s take 3.8 s; unthrottled they would arrive within a few milliseconds.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(3_000);
  });
});
