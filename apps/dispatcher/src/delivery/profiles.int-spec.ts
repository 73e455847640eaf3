import { createHmac } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { dispatchIdOf, sampleDataOf, type DeliveryFact, type Profile } from '@hookstream/contracts';
import { startReceiver, type ReceivedRequest, type Receiver } from '@hookstream/testing';
import { generateSecret } from '@hookstream/webhooks';
import { DispatcherHarness, isSettled } from '../testing/dispatcher.harness';
import { selfSignedCert } from '../testing/tls.fixture';

const hex = (key: string, content: string): string => createHmac('sha256', key).update(content).digest('hex');

/** What an independent receiver checks: Standard Webhooks on every profile, the hex schemes by hand. */
function verifyStandard(request: ReceivedRequest, secret: string): unknown {
  return new Webhook(secret).verify(request.body, request.headers);
}

describe('delivery in every wire profile (spawned dispatcher, real NATS, local receivers)', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  let tlsServer: HttpsServer;
  let tlsPort: number;
  const tlsRequests: ReceivedRequest[] = [];
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    receiver = await startReceiver();
    const { key, cert, certFile } = selfSignedCert();
    tlsServer = createHttpsServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        tlsRequests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers,
          body: Buffer.concat(chunks).toString(),
          receivedAt: Date.now(),
        });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port},127.0.0.1:${tlsPort}`,
      // The receiver's self-signed certificate is trusted the way an operator adds a private CA.
      NODE_EXTRA_CA_CERTS: certFile,
    });
  });

  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
    tlsServer?.closeAllConnections();
    await new Promise<void>((resolve) => (tlsServer ? tlsServer.close(() => resolve()) : resolve()));
  });

  async function deliverOne(
    profile: Profile,
    type: string,
    extra: { payloadTemplate?: string; headers?: Record<string, string> } = {},
  ) {
    const path = `/${profile}-${type}-${Math.random().toString(36).slice(2)}`;
    const { state, secret } = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}${path}`,
      events: [type],
      profile,
      payloadTemplate: extra.payloadTemplate ?? null,
      headers: extra.headers ?? {},
    });
    const event = harness.event(org, type, sampleDataOf(type)!);
    await harness.publishEvent(event, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const [request] = await receiver.waitForRequests(1, path);
    return {
      request: request!,
      secret,
      state,
      event,
      body: JSON.parse(request!.body) as Record<string, unknown>,
    };
  }

  it('standard: {type, timestamp, data}, Standard Webhooks and hex body signatures', async () => {
    const { request, secret, event, body, state } = await deliverOne('standard', 'workflow.completed');
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body).toEqual({ type: 'workflow.completed', timestamp: event.occurredAt, data: event.data });
    expect(verifyStandard(request, secret)).toEqual(body);
    expect(request.headers['webhook-id']).toBe(dispatchIdOf(event.id, state.id));
    expect(request.headers['x-webhook-signature']).toBe(hex(secret, request.body));
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^Hookstream/);
    expect(request.headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(request.method).toBe('POST');
  });

  it('kaizen: {type, data} as in seed 000, v1= hex signature of "{id}.{ts}.{body}"', async () => {
    const { request, secret, body } = await deliverOne('kaizen', 'execution.complete');
    expect(body).toEqual({ type: 'execution.complete', data: sampleDataOf('execution.complete') });
    const id = request.headers['x-webhooks-id']!;
    const ts = request.headers['x-webhooks-timestamp']!;
    expect(request.headers['x-webhooks-signature']).toBe(`v1=${hex(secret, `${id}.${ts}.${request.body}`)}`);
    expect(verifyStandard(request, secret)).toEqual(body);
  });

  it.each(['run_completed', 'run_failed'])(
    'maxun: {event_type, timestamp, webhook_id, data} for %s as in seed 001',
    async (type) => {
      const { request, secret, body, state } = await deliverOne('maxun', type);
      expect(Object.keys(body)).toEqual(['event_type', 'timestamp', 'webhook_id', 'data']);
      expect(body).toMatchObject({ event_type: type, webhook_id: state.id, data: sampleDataOf(type) });
      expect(Number.isNaN(Date.parse(body.timestamp as string))).toBe(false);
      expect(verifyStandard(request, secret)).toEqual(body);
    },
  );

  it('elan: envelope fields with workflow_id, hex X-Webhook-Signature of the body', async () => {
    const { request, secret, body, event } = await deliverOne('elan', 'workflow.step.failed');
    expect(body).toEqual({
      event_id: event.id,
      event_type: 'workflow.step.failed',
      workflow_id: 'wf_3kT9pQ2xLm',
      organization_id: org,
      timestamp: event.occurredAt,
      data: event.data,
    });
    expect(request.headers['x-webhook-signature']).toBe(hex(secret, request.body));
    expect(verifyStandard(request, secret)).toEqual(body);
  });

  it('apify: {userId, createdAt, eventType, eventData, resource} with the Apify headers', async () => {
    const { request, secret, body, state, event } = await deliverOne('apify', 'ACTOR.RUN.SUCCEEDED');
    expect(Object.keys(body)).toEqual(['userId', 'createdAt', 'eventType', 'eventData', 'resource']);
    expect(body).toMatchObject({
      userId: org,
      eventType: 'ACTOR.RUN.SUCCEEDED',
      eventData: { actorId: 'vvE7iMKuMc5qTHHsR', actorRunId: 'JgwXN9BdwxGcu9MMF' },
      resource: event.data,
    });
    expect(request.headers['x-apify-webhook']).toBe(state.id);
    expect(request.headers['x-apify-webhook-dispatch-id']).toBe(dispatchIdOf(event.id, state.id));
    expect(request.headers['x-apify-request-origin']).toBe('WEBHOOK');
    expect(verifyStandard(request, secret)).toEqual(body);
  });

  it('renders a payload template and sends custom headers', async () => {
    const { body, event, state, request } = await deliverOne('standard', 'TEST', {
      payloadTemplate:
        '{"kind": {{eventType}}, "payload": {{resource}}, "ref": "{{event.id}}/{{dispatch.id}}"}',
      headers: { 'X-Team': 'billing' },
    });
    expect(body).toEqual({
      kind: 'TEST',
      payload: event.data,
      ref: `${event.id}/${dispatchIdOf(event.id, state.id)}`,
    });
    expect(request.headers['x-team']).toBe('billing');
  });

  it('signs with both secrets during a rotation, and only the current one once the old expired', async () => {
    const current = generateSecret();
    const old = generateSecret();
    const paths = ['/rotating', '/rotated'];
    const expiries = [
      new Date(Date.now() + 3_600_000).toISOString(),
      new Date(Date.now() - 1_000).toISOString(),
    ];
    for (const [index, path] of paths.entries()) {
      await harness.subscribe(
        { organizationId: org, url: `${receiver.url}${path}`, events: ['run_failed'] },
        [
          { plain: current, expiresAt: null },
          { plain: old, expiresAt: expiries[index]! },
        ],
      );
    }
    await harness.publishEvent(harness.event(org, 'run_failed', sampleDataOf('run_failed')!));
    const [rotating] = await receiver.waitForRequests(1, '/rotating');
    const [rotated] = await receiver.waitForRequests(1, '/rotated');
    expect(rotating!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => verifyStandard(rotating!, current)).not.toThrow();
    expect(() => verifyStandard(rotating!, old)).not.toThrow();
    expect(rotated!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => verifyStandard(rotated!, old)).toThrow();
    expect(() => verifyStandard(rotated!, current)).not.toThrow();
  });

  it('delivers over verified TLS and records the success', async () => {
    const facts = harness.facts(org);
    const { state, secret } = await harness.subscribe({
      organizationId: org,
      url: `https://127.0.0.1:${tlsPort}/secure`,
      events: ['workflow.started'],
    });
    const event = harness.event(org, 'workflow.started', sampleDataOf('workflow.started')!);
    await harness.publishEvent(event);
    const dispatchId = dispatchIdOf(event.id, state.id);
    await facts.waitFor('TLS delivery settled', (items) => isSettled(items, dispatchId));
    const outcome = facts.items.find(
      (f: DeliveryFact) => f.type === 'dispatch.succeeded' && f.data.ref.dispatchId === dispatchId,
    );
    expect(outcome?.type === 'dispatch.succeeded' && outcome.data.attempt.responseStatus).toBe(200);
    const request = tlsRequests.find((r) => r.path === '/secure');
    expect(verifyStandard(request!, secret)).toEqual(JSON.parse(request!.body));
  });
});
