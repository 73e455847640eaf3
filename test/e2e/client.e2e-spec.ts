import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHookstreamClient, type HookstreamClient } from '@hookstream/client';
import { startStack, type Stack } from '../support/stack';

/** libs/client, generated from docs/openapi.json, against the three services behind the gateway. */
describe('the TypeScript client against the real stack', () => {
  let stack: Stack;
  let receiver: Server;
  let receiverUrl: string;
  let client: HookstreamClient;
  const received: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const admin = createHookstreamClient({ baseUrl: stack.apiUrl, apiKey: stack.adminToken });
    const org = await admin.POST('/admin/organizations', { body: { name: 'Client test' } });
    const key = await admin.POST('/admin/api-keys', {
      body: { organizationIds: [org.data!.id], defaultOrganizationId: org.data!.id },
    });
    client = createHookstreamClient({ baseUrl: stack.apiUrl, apiKey: key.data!.key });
  });
  afterAll(async () => {
    receiver?.close();
    await stack?.dispose();
  });

  it('creates a subscription, replayed under its Idempotency-Key, and reads it back', async () => {
    const body = { name: 'Client', url: receiverUrl, events: ['workflow.*'] };
    const headers = { 'Idempotency-Key': 'client-create-1' };
    const created = await client.POST('/webhooks', { body, params: { header: headers } });
    expect(created.response.status).toBe(201);
    expect(created.data?.secret).toMatch(/^whsec_/);
    const again = await client.POST('/webhooks', { body, params: { header: headers } });
    expect(again.data).toEqual(created.data);
    const read = await client.GET('/webhooks/{id}', { params: { path: { id: created.data!.id } } });
    expect(read.data).toMatchObject({ id: created.data!.id, url: receiverUrl, events: ['workflow.*'] });
    const list = await client.GET('/webhooks', { params: { query: { limit: 10 } } });
    expect(list.data?.total).toBe(1);
  });

  it('reads errors as the typed error body', async () => {
    const refused = await client.POST('/webhooks', {
      body: { name: '', url: receiverUrl, events: ['workflow.*'] },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.type).toBe('validation_failed');
    expect(refused.error?.error.fields).toEqual([
      { path: 'name', message: 'name must be longer than or equal to 1 characters' },
    ]);
    const missing = await client.GET('/v2/webhook-dispatches/{dispatchId}', {
      params: { path: { dispatchId: 'dsp_missing' } },
    });
    expect([missing.response.status, missing.error?.error.type]).toEqual([404, 'record-not-found']);
  });

  it('publishes an event without id, then follows its delivery in the logs and the dispatch', async () => {
    const published = await client.POST('/events', {
      body: {
        type: 'workflow.completed',
        occurredAt: new Date().toISOString(),
        data: { workflow_id: 'wf_1' },
      },
    });
    expect(published.response.status).toBe(202);
    const eventId = (published.data as { id: string }).id;
    expect(eventId).toMatch(/^evt_/);
    const all = async () =>
      (await client.GET('/webhooks/logs/all', { params: { query: { limit: 10 } } })).data;
    let logs = await all();
    for (let i = 0; i < 200 && !logs?.items.some((entry) => entry.eventId === eventId); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      logs = await all();
    }
    const entry = logs!.items.find((item) => item.eventId === eventId)!;
    expect(entry).toMatchObject({ status: 'succeeded', responseStatus: 204, attempt: 1 });
    expect(received).toContain(entry.dispatchId);
    const dispatch = await client.GET('/v2/webhook-dispatches/{dispatchId}', {
      params: { path: { dispatchId: entry.dispatchId } },
    });
    expect(dispatch.data?.data).toMatchObject({ id: entry.dispatchId, status: 'SUCCEEDED' });
    const retry = await client.POST('/webhook-dispatches/{dispatchId}/retry', {
      params: { path: { dispatchId: entry.dispatchId } },
    });
    expect([retry.response.status, retry.data?.data.dispatchId]).toEqual([202, entry.dispatchId]);
  });
});
