import {
  deliveryFactMessage,
  dispatchCreated,
  dispatchIdOf,
  sampleDataOf,
  STREAMS,
  subjects,
  type Dispatch,
} from '@hookstream/contracts';
import { startReceiver, waitFor, type Receiver, type RunningService } from '@hookstream/testing';
import { renderBody } from '@hookstream/webhooks';
import { DispatcherHarness, factsOf, isSettled } from '../testing/dispatcher.harness';
import { FANOUT_DURABLE } from './fanout.consumer';

describe('fan-out: validation, routing changes, dispatches from other writers (spawned dispatcher)', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  let dispatcher: RunningService;
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    receiver = await startReceiver();
    dispatcher = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`,
      MAX_EVENT_BYTES: '4096',
    });
  });

  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it('terminates and counts rejected events; the valid event behind them is delivered', async () => {
    await harness.subscribe({ organizationId: org, url: `${receiver.url}/valid`, events: ['run_failed'] });
    const valid = harness.event(org, 'run_failed', sampleDataOf('run_failed')!);
    const raw = (subject: string, body: unknown, id: string) =>
      harness.publisher.publish(subject, typeof body === 'string' ? body : JSON.stringify(body), {
        msgId: id,
      });
    await raw(subjects.event(org, 'run_failed'), '{"id": "evt_x", ', 'bad-json');
    await raw(
      subjects.event(org, 'run_failed'),
      { ...valid, id: 'evt_other_org', organizationId: 'org_other' },
      'm1',
    );
    await raw(
      subjects.event(org, 'run_failed'),
      { ...valid, id: 'evt_bad_data', data: { robotId: 42 } },
      'm2',
    );
    await raw(
      subjects.event(org, 'invoice.paid'),
      { ...valid, id: 'evt_custom', type: 'invoice.paid' },
      'm3',
    );
    await raw(
      subjects.event(org, 'run_failed'),
      { ...valid, id: 'evt_big', data: { pad: 'x'.repeat(5000) } },
      'm4',
    );
    await raw(
      subjects.event(org, 'run_failed'),
      { id: 'evt_no_date', type: 'run_failed', organizationId: org, data: {} },
      'm5',
    );
    await harness.publishEvent(valid);

    const [delivered] = await receiver.waitForRequests(1, '/valid');
    expect(JSON.parse(delivered!.body)).toMatchObject({ type: 'run_failed', data: valid.data });
    for (const reason of [
      'invalid_json',
      'subject_mismatch',
      'invalid_data',
      'unknown_type',
      'too_large',
      'invalid_envelope',
    ]) {
      expect({
        reason,
        count: await harness.metric(dispatcher, 'hookstream_events_rejected_total', { reason }),
      }).toEqual({
        reason,
        count: 1,
      });
    }
    // Terminated, not waiting for redelivery: nothing is pending on the fan-out consumer.
    await waitFor('fan-out idle', async () => {
      const info = await harness.jsm.consumers.info(STREAMS.events, FANOUT_DURABLE);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    expect(receiver.requestsTo('/valid')).toHaveLength(1);
  });

  it('accepts an organization type it cannot validate when a subscription selects it', async () => {
    const { state } = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/custom`,
      events: ['billing.>'],
    });
    const event = harness.event(org, 'billing.invoice.paid', { invoiceId: 'inv_1' });
    await harness.publishEvent(event);
    const [request] = await receiver.waitForRequests(1, '/custom');
    expect(request!.headers['webhook-id']).toBe(dispatchIdOf(event.id, state.id));
  });

  it('applies a subscription change to the next event', async () => {
    const { state } = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/before`,
      events: ['workflow.started'],
    });
    await harness.storeSubscription({
      ...state,
      url: `${receiver.url}/after`,
      updatedAt: new Date().toISOString(),
    });
    // SUBSCRIPTIONS is applied in order: once a later subscription is in the table, so is the change.
    await harness.subscribe({ organizationId: org, url: `${receiver.url}/marker`, events: ['nothing.here'] });
    await harness.publishEvent(harness.event(org, 'workflow.started', sampleDataOf('workflow.started')!));
    await receiver.waitForRequests(1, '/after');
    expect(receiver.requestsTo('/before')).toHaveLength(0);
  });

  it('delivers a dispatch created by another writer (a test delivery) and abandons one for a deleted subscription', async () => {
    const facts = harness.facts(org);
    const live = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/tested`,
      events: ['TEST'],
    });
    const gone = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/gone`,
      events: ['TEST'],
    });
    await harness.deleteSubscription(gone.state);
    const dispatches = [live.state, gone.state].map((state): Dispatch => {
      const event = harness.event(org, 'workflow.completed', sampleDataOf('workflow.completed')!);
      const dispatchId = dispatchIdOf(event.id, state.id);
      const createdAt = new Date().toISOString();
      const body = renderBody({
        profile: 'standard',
        event,
        dispatchId,
        subscriptionId: state.id,
        payloadTemplate: null,
        createdAt,
        test: true,
      });
      return {
        dispatchId,
        round: '',
        organizationId: org,
        subscriptionId: state.id,
        eventId: event.id,
        eventType: event.type,
        test: true,
        event,
        body,
        createdAt,
        publishedAt: createdAt,
      };
    });
    for (const dispatch of dispatches) {
      const { subject, payload, msgId, headers } = deliveryFactMessage(
        dispatchCreated(dispatch, dispatch.createdAt),
      );
      await harness.publisher.publish(subject, payload, { msgId, headers });
    }
    const [tested, abandoned] = dispatches as [Dispatch, Dispatch];
    await facts.waitFor(
      'both settled',
      (items) => isSettled(items, tested.dispatchId) && isSettled(items, abandoned.dispatchId),
    );
    const [request] = receiver.requestsTo('/tested');
    expect(request!.body).toBe(tested.body);
    const succeeded = factsOf(facts.items, tested.dispatchId).at(-1);
    expect(succeeded?.type === 'dispatch.succeeded' && succeeded.data.ref.test).toBe(true);
    const failed = factsOf(facts.items, abandoned.dispatchId).at(-1);
    expect(failed?.type === 'dispatch.failed' && failed.data).toMatchObject({
      attempt: null,
      reason: 'subscription deleted',
    });
    expect(receiver.requestsTo('/gone')).toHaveLength(0);
  });
});
