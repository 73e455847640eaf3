import { dispatchIdOf, sampleDataOf } from '@hookstream/contracts';
import { behaviours, startReceiver, type Receiver } from '@hookstream/testing';
import {
  DispatcherHarness,
  factsOf,
  firstCarriesDispatch,
  isSettled,
  outcomesOf,
} from '../testing/dispatcher.harness';

describe('kill -9 of the dispatcher during a request (spawned dispatcher)', () => {
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

  it('delivers the held dispatch again with the same webhook-id after a restart, and loses nothing', async () => {
    receiver.route('/held', behaviours.sequence(behaviours.hang(), behaviours.ok()));
    const dispatcher = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`,
    });
    const facts = harness.facts(org);
    const held = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/held`,
      events: ['run_completed'],
    });
    const later = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/later`,
      events: ['run_failed'],
    });

    const event = harness.event(org, 'run_completed', sampleDataOf('run_completed')!);
    await harness.publishEvent(event);
    const [first] = await receiver.waitForRequests(1, '/held');
    await dispatcher.kill();

    // Published while no dispatcher runs.
    const missed = Array.from({ length: 5 }, () =>
      harness.event(org, 'run_failed', sampleDataOf('run_failed')!),
    );
    for (const item of missed) await harness.publishEvent(item);

    await dispatcher.restart();
    const dispatchId = dispatchIdOf(event.id, held.state.id);
    // The unacknowledged dispatch comes back once its ack wait has passed.
    await facts.waitFor('held dispatch delivered', (items) => isSettled(items, dispatchId), 90_000);
    const requests = receiver.requestsTo('/held');
    expect(requests).toHaveLength(2);
    expect(first!.headers['webhook-id']).toBe(dispatchId);
    expect(requests[1]!.headers['webhook-id']).toBe(dispatchId);
    expect(requests[1]!.body).toBe(first!.body);
    // The interrupted attempt left no outcome: attempt 1 is recorded once, as the success.
    const story = factsOf(facts.items, dispatchId);
    expect(firstCarriesDispatch(story)).toBe(true);
    const outcomes = outcomesOf(story);
    expect(outcomes.map((fact) => fact.type)).toEqual(['dispatch.succeeded']);
    expect(outcomes[0]?.type === 'dispatch.succeeded' && outcomes[0].data.attempt.attempt).toBe(1);

    await receiver.waitForRequests(5, '/later');
    const delivered = new Set(receiver.requestsTo('/later').map((r) => r.headers['webhook-id']));
    expect(delivered).toEqual(new Set(missed.map((item) => dispatchIdOf(item.id, later.state.id))));
  });
});
