import { dispatchIdOf } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';

interface Circuit {
  state: 'closed' | 'open';
  consecutiveFailures: number;
  nextProbeAt: string | null;
  reason: string | null;
}

/** A failing endpoint's circuit, as a user sees it in the API, and the recovery they can ask for. */
describe('an endpoint circuit, seen and recovered through the API', () => {
  let stack: Stack;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([
      // Probes far apart: only the user's recovery brings the endpoint back within the test.
      startStack({
        DELIVERY_CIRCUIT_THRESHOLD: '3',
        DELIVERY_CIRCUIT_PROBE_BASE: '1h',
        DELIVERY_CIRCUIT_PROBE_MAX: '1h',
      }),
      startReceiver(),
    ]);
    tenant = await stack.tenant();
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.dispose();
  });

  it('opens after failures in a row, parks the backlog, and delivers all of it on POST /recover', async () => {
    receiver.route('/down', behaviours.status(503));
    const created = await tenant.call<{ id: string; circuit?: Circuit }>('POST', '/webhooks', {
      name: 'failing endpoint',
      url: `${receiver.url}/down`,
      events: ['workflow.*'],
      retryPolicy: { schedule: ['1h'] },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const initially = await tenant.call<{ circuit: Circuit }>('GET', `/webhooks/${id}`);
    expect(initially.body.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });

    const eventIds: string[] = [];
    await waitFor('the endpoint circuit open', async () => {
      const eventId = `evt_circuit_${Date.now()}_${eventIds.length}`;
      const published = await tenant.call('POST', '/events', {
        id: eventId,
        type: 'workflow.completed',
        occurredAt: new Date().toISOString(),
        data: { workflow_id: 'wf_1', status: 'completed' },
      });
      expect(published.status).toBe(202);
      eventIds.push(eventId);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const read = await tenant.call<{ circuit: Circuit }>('GET', `/webhooks/${id}`);
      return read.body.circuit.state === 'open';
    });
    const open = await tenant.call<{ circuit: Circuit }>('GET', `/webhooks/${id}`);
    expect(open.body.circuit).toMatchObject({ state: 'open', reason: 'HTTP 503' });
    expect(open.body.circuit.consecutiveFailures).toBeGreaterThanOrEqual(3);

    // While open, new events are parked: the endpoint receives nothing more.
    for (let i = 0; i < 10; i++) {
      const eventId = `evt_parked_${Date.now()}_${i}`;
      eventIds.push(eventId);
      await tenant.call('POST', '/events', {
        id: eventId,
        type: 'workflow.completed',
        occurredAt: new Date().toISOString(),
        data: { workflow_id: 'wf_2', status: 'completed' },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const seenWhileOpen = receiver.requestsTo('/down').length;
    expect(seenWhileOpen).toBeLessThan(eventIds.length);

    receiver.route('/down', behaviours.ok());
    const recovered = await tenant.call<Circuit>('POST', `/webhooks/${id}/recover`);
    expect(recovered.status).toBe(202);
    expect(recovered.body.state).toBe('closed');

    // Every parked event (never attempted) arrives now, with the dispatch id it always had; those
    // attempted before the circuit opened keep their own retry schedule (an hour here).
    const webhookIds = (requests: Array<{ headers: Record<string, string> }>) =>
      new Set(requests.map((r) => r.headers['webhook-id']));
    const attempted = webhookIds(receiver.requestsTo('/down').slice(0, seenWhileOpen));
    const parked = eventIds.map((eventId) => dispatchIdOf(eventId, id)).filter((d) => !attempted.has(d));
    expect(parked.length).toBeGreaterThanOrEqual(10);
    await waitFor('the parked backlog delivered', async () => {
      const delivered = webhookIds(receiver.requestsTo('/down').slice(seenWhileOpen));
      return parked.every((dispatchId) => delivered.has(dispatchId));
    });
    const unexpected = [...webhookIds(receiver.requestsTo('/down'))].filter(
      (webhookId) => !eventIds.some((eventId) => dispatchIdOf(eventId, id) === webhookId),
    );
    expect(unexpected).toEqual([]);
    const after = await tenant.call<{ circuit: Circuit }>('GET', `/webhooks/${id}`);
    expect(after.body.circuit.state).toBe('closed');

    const unknown = await tenant.call<{ error: { type: string } }>('POST', '/webhooks/wh_nope/recover');
    expect(unknown.status).toBe(404);
  });
});
