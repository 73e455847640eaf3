import { dispatchIdOf, sampleDataOf } from '@hookstream/contracts';
import { behaviours, startReceiver, type Receiver } from '@hookstream/testing';
import { DispatcherHarness, factsOf, isSettled } from '../testing/dispatcher.harness';

describe('disabling after DELIVERY_DISABLE_AFTER without a success (spawned dispatchers)', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it('counts failures from before a restart (read back from DELIVERIES) and leaves recovering endpoints alone', async () => {
    const allowed = `127.0.0.1:${receiver.port}`;
    receiver.route('/dead', behaviours.status(500));
    receiver.route('/recovers', behaviours.sequence(behaviours.status(500), behaviours.ok()));
    const facts = harness.facts(org);
    const disabled = harness.events(`events.${org}.webhook.disabled`);

    // First process: a long window, so nothing is disabled while it runs.
    const first = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: allowed,
      DELIVERY_DISABLE_AFTER: '1h',
    });
    const dead = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/dead`,
      events: ['run_failed'],
      retryPolicy: { schedule: ['4s'] },
    });
    const event = harness.event(org, 'run_failed', sampleDataOf('run_failed')!);
    await harness.publishEvent(event);
    const dispatchId = dispatchIdOf(event.id, dead.state.id);
    await facts.waitFor('first failed attempt', (items) =>
      factsOf(items, dispatchId).some((fact) => fact.type === 'dispatch.attempted'),
    );
    await first.stop();

    // Second process: a 2 s window. Its own memory has seen no failure yet; the history has one
    // from about 4 s earlier, so the next failure disables the subscription at once.
    const second = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: allowed,
      DELIVERY_DISABLE_AFTER: '2s',
    });
    const recovering = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/recovers`,
      events: ['workflow.completed'],
      // Fails for longer than the window, then succeeds: never disabled.
      retryPolicy: { schedule: ['3s'] },
    });
    const recoveringEvent = harness.event(org, 'workflow.completed', sampleDataOf('workflow.completed')!);
    await harness.publishEvent(recoveringEvent);

    const [notice] = await disabled.waitFor('webhook.disabled', (items) => items.length > 0);
    expect(notice).toMatchObject({
      type: 'webhook.disabled',
      data: { subscriptionId: dead.state.id, reason: expect.stringMatching(/no successful delivery/) },
    });
    await facts.waitFor('dead dispatch settled', (items) => isSettled(items, dispatchId));
    expect(receiver.requestsTo('/dead')).toHaveLength(2);

    const recoveringId = dispatchIdOf(recoveringEvent.id, recovering.state.id);
    await facts.waitFor('recovering dispatch settled', (items) => isSettled(items, recoveringId));
    expect(factsOf(facts.items, recoveringId).at(-1)?.type).toBe('dispatch.succeeded');
    expect(disabled.items.map((item) => item.data.subscriptionId)).toEqual([dead.state.id]);
    expect(
      await harness.metric(second, 'hookstream_subscriptions_disabled_total', { reason: 'failing' }),
    ).toBe(1);
  });
});
