import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { request } from 'undici';
import {
  behaviours,
  startOtlpReceiver,
  startReceiver,
  startService,
  waitFor,
  type OtlpReceiver,
  type ReceivedSpan,
  type Receiver,
} from '@hookstream/testing';
import { sampleDataOf } from '@hookstream/contracts';
import { startStack, type Stack, type Tenant } from '../support/stack';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A caller's trace context: a fresh trace id, the caller's span id. */
function callerTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

function parseTraceparent(value: string | undefined): { traceId: string; parentId: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(value ?? '');
  if (!match) throw new Error(`not a traceparent: ${value}`);
  return { traceId: match[1]!, parentId: match[2]! };
}

async function publishTraced(
  stack: Stack,
  tenant: Tenant,
  type: string,
  traceparent: string,
): Promise<string> {
  const id = `evt_trace_${hex(6)}`;
  const res = await request(`${stack.apiUrl}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ id, type, occurredAt: new Date().toISOString(), data: sampleDataOf(type) }),
  });
  await res.body.dump();
  expect(res.statusCode).toBe(202);
  return id;
}

/** Publishes until the subscription is routed (the routing table follows SUBSCRIPTIONS asynchronously). */
async function firstDelivery(stack: Stack, tenant: Tenant, receiver: Receiver, type: string, path: string) {
  const sent = new Map<string, ReturnType<typeof callerTrace>>();
  await waitFor(`${path} routed`, async () => {
    const caller = callerTrace();
    sent.set(caller.traceId, caller);
    await publishTraced(stack, tenant, type, caller.traceparent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return receiver.requestsTo(path).length > 0;
  });
  const delivered = receiver.requestsTo(path)[0]!;
  const outbound = parseTraceparent(delivered.headers.traceparent);
  const caller = sent.get(outbound.traceId);
  if (!caller) throw new Error(`the request carries trace ${outbound.traceId}, which no publish used`);
  return { delivered, outbound, caller };
}

const one = (spans: ReceivedSpan[], what: string, pick: (span: ReceivedSpan) => boolean): ReceivedSpan => {
  const found = spans.filter(pick);
  if (found.length !== 1)
    throw new Error(`${found.length} spans for ${what}: ${JSON.stringify(spans, null, 1)}`);
  return found[0]!;
};

const kinds = (spans: ReceivedSpan[]): string =>
  spans
    .map((span) => span.kind)
    .sort()
    .join(',');

/** Tracing is on when the services get an OTLP endpoint; the spans of one event form one tree. */
describe('traces across the pipeline', () => {
  let otlp: OtlpReceiver;
  let receiver: Receiver;
  let stack: Stack;
  let tenant: Tenant;

  beforeAll(async () => {
    [otlp, receiver] = await Promise.all([startOtlpReceiver(), startReceiver()]);
    stack = await startStack({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
    tenant = await stack.tenant();
  });
  afterAll(async () => {
    await stack?.dispose();
    await Promise.all([receiver?.close(), otlp?.close()]);
  });

  it('links ingest, fan-out, each attempt and the projector batch by the event trace context', async () => {
    receiver.route('/flaky', behaviours.sequence(behaviours.status(500), behaviours.ok()));
    const flaky = await tenant.call<{ id: string }>('POST', '/webhooks', {
      name: 'flaky',
      url: `${receiver.url}/flaky`,
      events: ['workflow.failed'],
      retryPolicy: { schedule: ['1s'] },
    });
    const hook = await tenant.call<{ id: string }>('POST', '/webhooks', {
      name: 'traced',
      url: `${receiver.url}/hook`,
      events: ['workflow.completed'],
    });
    expect([flaky.status, hook.status]).toEqual([201, 201]);

    // Delivered first time: ingest → fan-out → attempt, the attempt's id on the request.
    const { delivered, outbound, caller } = await firstDelivery(
      stack,
      tenant,
      receiver,
      'workflow.completed',
      '/hook',
    );
    const inTrace = () => otlp.spans.filter((span) => span.traceId === caller.traceId);
    await waitFor('spans of the delivered event', async () => kinds(inTrace()) === 'client,consumer,server');
    const ingest = one(inTrace(), 'ingest', (s) => s.service === 'subscriptions');
    expect(ingest).toMatchObject({ name: 'POST /events', kind: 'server', parentSpanId: caller.spanId });
    expect(ingest.attributes['hookstream.organization.id']).toBe(tenant.organizationId);
    const fanout = one(inTrace(), 'fan-out', (s) => s.name === 'fanout');
    expect(fanout).toMatchObject({ service: 'dispatcher', kind: 'consumer', parentSpanId: ingest.spanId });
    const attempt = one(inTrace(), 'attempt', (s) => s.kind === 'client');
    expect(attempt).toMatchObject({
      service: 'dispatcher',
      name: 'POST',
      spanId: outbound.parentId,
      parentSpanId: fanout.spanId,
      status: 'unset',
    });
    expect(attempt.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
      'hookstream.attempt': 1,
      'hookstream.dispatch.id': delivered.headers['webhook-id'],
      'hookstream.subscription.id': hook.body.id,
    });
    expect(fanout.attributes['hookstream.event.id']).toBe(attempt.attributes['hookstream.event.id']);

    // The projector's batch spans link to the attempt that produced the fact they wrote.
    await waitFor('projector batch linked to the attempt', async () =>
      otlp.spans.some(
        (s) =>
          s.service === 'log-projector' &&
          s.links.some((link) => link.traceId === caller.traceId && link.spanId === attempt.spanId),
      ),
    );
    const batch = otlp.spans.find((s) => s.links.some((link) => link.spanId === attempt.spanId))!;
    expect(batch).toMatchObject({ name: 'project deliveries', kind: 'consumer', parentSpanId: '' });
    expect(batch.attributes['messaging.batch.message_count']).toBeGreaterThanOrEqual(1);

    // A failed attempt has an error status; its retry hangs under the event's context (the ingest span).
    const retried = callerTrace();
    await publishTraced(stack, tenant, 'workflow.failed', retried.traceparent);
    const requests = await receiver.waitForRequests(2, '/flaky', 30_000);
    const sentIds = requests.map((r) => parseTraceparent(r.headers.traceparent));
    expect(sentIds.map((id) => id.traceId)).toEqual([retried.traceId, retried.traceId]);
    const retryTrace = () => otlp.spans.filter((span) => span.traceId === retried.traceId);
    await waitFor(
      'spans of both attempts',
      async () => kinds(retryTrace()) === 'client,client,consumer,server',
    );
    const retryIngest = one(retryTrace(), 'ingest', (s) => s.service === 'subscriptions');
    const retryFanout = one(retryTrace(), 'fan-out', (s) => s.name === 'fanout');
    const first = one(retryTrace(), 'attempt 1', (s) => s.attributes['hookstream.attempt'] === 1);
    const second = one(retryTrace(), 'attempt 2', (s) => s.attributes['hookstream.attempt'] === 2);
    expect(first.spanId).toBe(sentIds[0]!.parentId);
    expect(second.spanId).toBe(sentIds[1]!.parentId);
    expect(first).toMatchObject({ status: 'error', kind: 'client' });
    expect(first.attributes['http.response.status_code']).toBe(500);
    // Made by the fan-out, or handed off by it to the attempts consumer (then a child of the event).
    expect([retryFanout.spanId, retryIngest.spanId]).toContain(first.parentSpanId);
    expect(second).toMatchObject({ status: 'unset', parentSpanId: retryIngest.spanId });
    expect(second.attributes).toMatchObject({
      'http.response.status_code': 200,
      'http.request.resend_count': 1,
    });
  });
});

describe('a traced service stopping', () => {
  let otlp: OtlpReceiver;
  let stack: Stack;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.dispose();
    await otlp?.close();
  });

  it('sends the spans it still holds before it exits', async () => {
    const tenant = await stack.tenant();
    // Another subscriptions replica whose export delay is far past the test: only its shutdown sends.
    const replica = await startService('subscriptions', {
      NATS_URL: stack.nats.url,
      DATABASE_URL: stack.databaseUrl,
      ADMIN_TOKEN: stack.adminToken,
      SECRETS_KEY: stack.secretsKey,
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    const caller = callerTrace();
    await publishTraced(
      { ...stack, apiUrl: replica.httpUrl },
      tenant,
      'workflow.completed',
      caller.traceparent,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(otlp.spanCount()).toBe(0);
    await replica.stop();
    expect(otlp.spans).toEqual([
      expect.objectContaining({ service: 'subscriptions', name: 'POST /events', traceId: caller.traceId }),
    ]);
  });
});

/** Where the OTLP exporter sends by default; bound here, if free, to see that nothing arrives. */
async function defaultEndpointFree(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(4318, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('without an OTLP endpoint', () => {
  let receiver: Receiver;
  let stack: Stack;
  let sink: OtlpReceiver | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
    // Every other tracing variable is set: only the endpoint turns tracing on.
    stack = await startStack({
      OTEL_SERVICE_NAME: 'untraced',
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });
  afterAll(async () => {
    await stack?.dispose();
    await Promise.all([receiver?.close(), sink?.close()]);
  });

  it("makes no span: the caller's trace context goes out unchanged", async () => {
    const tenant = await stack.tenant();
    const hook = await tenant.call<{ id: string }>('POST', '/webhooks', {
      name: 'untraced',
      url: `${receiver.url}/plain`,
      events: ['workflow.completed'],
    });
    expect(hook.status).toBe(201);
    const { delivered, caller } = await firstDelivery(
      stack,
      tenant,
      receiver,
      'workflow.completed',
      '/plain',
    );
    expect(delivered.headers.traceparent).toBe(caller.traceparent);
  });

  it('sends nothing to the default OTLP address', async () => {
    if (!(await defaultEndpointFree())) return; // something else listens there on this machine
    sink = await startOtlpReceiver({ port: 4318 });
    const tenant = await stack.tenant();
    await tenant.call('POST', '/webhooks', {
      name: 'more',
      url: `${receiver.url}/more`,
      events: ['workflow.completed'],
    });
    await firstDelivery(stack, tenant, receiver, 'workflow.completed', '/more');
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // ten export delays
    expect(sink.exports()).toBe(0);
  });
});
