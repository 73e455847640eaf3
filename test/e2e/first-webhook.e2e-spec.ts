import { Webhook } from 'standardwebhooks';
import { startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';

/** What a new user does first: subscribe, publish, receive a signed request, read its log and dispatch. */
describe('a first webhook, across the three services', () => {
  let stack: Stack;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack(), startReceiver()]);
    tenant = await stack.tenant();
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.dispose();
  });

  it('delivers a published event, signed, and shows it in the logs and the dispatch API', async () => {
    const created = await tenant.call<{ id: string; secret: string }>('POST', '/webhooks', {
      name: 'first endpoint',
      url: `${receiver.url}/hook`,
      events: ['workflow.*'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);

    // The routing table picks the subscription up asynchronously; publish until it is there.
    const event = {
      id: `evt_first_${Date.now()}`,
      type: 'workflow.completed',
      occurredAt: new Date().toISOString(),
      data: { workflow_id: 'wf_1', status: 'completed' },
    };
    await waitFor('subscription routed', async () => {
      const published = await tenant.call('POST', '/events', { ...event, id: `${event.id}_${Date.now()}` });
      expect(published.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return receiver.requestsTo('/hook').length > 0;
    });

    const [delivered] = receiver.requestsTo('/hook');
    const body = JSON.parse(delivered!.body) as { type: string; data: unknown };
    expect(body.type).toBe('workflow.completed');
    expect(body.data).toEqual(event.data);
    // An independent verifier of Standard Webhooks signatures.
    expect(() => new Webhook(created.body.secret).verify(delivered!.body, delivered!.headers)).not.toThrow();
    const dispatchId = delivered!.headers['webhook-id']!;

    await waitFor('log entry', async () => {
      const logs = await tenant.call<{ items: Array<{ dispatchId: string; status: string }> }>(
        'GET',
        `/webhooks/${created.body.id}/logs`,
      );
      return (
        logs.status === 200 &&
        logs.body.items.some((e) => e.dispatchId === dispatchId && e.status === 'succeeded')
      );
    });

    const dispatch = await tenant.call<{
      data: { id: string; status: string; webhookId: string; calls: unknown[] };
    }>('GET', `/v2/webhook-dispatches/${dispatchId}`);
    expect(dispatch.status).toBe(200);
    expect(dispatch.body.data).toMatchObject({
      id: dispatchId,
      status: 'SUCCEEDED',
      webhookId: created.body.id,
    });
    expect(dispatch.body.data.calls).toHaveLength(1);
  });

  it("never shows one organization's subscriptions or dispatches to another", async () => {
    const other = await stack.tenant('Other');
    const mine = await tenant.call<{ id: string }>('POST', '/webhooks', {
      name: 'private',
      url: `${receiver.url}/private`,
      events: ['workflow.completed'],
    });
    expect(mine.status).toBe(201);
    expect((await other.call('GET', `/webhooks/${mine.body.id}`)).status).toBe(404);
    expect((await other.call('GET', `/webhooks/${mine.body.id}/logs`)).status).toBe(404);
    const list = await other.call<{ items: unknown[]; total: number }>('GET', '/webhooks');
    expect(list.body).toMatchObject({ items: [], total: 0 });
  });
});
