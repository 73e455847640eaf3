import { dispatchIdOf, sampleDataOf } from '@hookstream/contracts';
import { behaviours, startReceiver, type Receiver, type RunningService } from '@hookstream/testing';
import { DispatcherHarness, factsOf, isSettled } from '../testing/dispatcher.harness';

/** First attempts made by the fan-out, and the hand-off of an endpoint that turns slow. */
describe('first attempts at fan-out (spawned dispatcher)', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  let dispatcher: RunningService;
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

  it('records a healthy endpoint first delivery as one fact that carries the dispatch, no created', async () => {
    const facts = harness.facts(org);
    const { state } = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/fast`,
      events: ['run_failed'],
    });
    const events = Array.from({ length: 20 }, () =>
      harness.event(org, 'run_failed', sampleDataOf('run_failed')!),
    );
    const ids = events.map((event) => dispatchIdOf(event.id, state.id));
    // A new origin is tried one request at a time: the first answer comes before the others.
    await harness.publishEvent(events[0]!);
    await facts.waitFor('first delivered', (items) => isSettled(items, ids[0]!));
    for (const event of events.slice(1)) {
      await harness.publishEvent(event);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await facts.waitFor('delivered', (items) => ids.every((id) => isSettled(items, id)));
    const stories = ids.map((id) => factsOf(facts.items, id));
    const single = stories.filter((story) => story.length === 1 && story[0]!.type === 'dispatch.succeeded');
    // The first of a new origin is tried alone; once it answered fast, the rest go the fast path too.
    expect(single.length).toBeGreaterThanOrEqual(15);
    for (const [fact] of single) {
      if (fact?.type !== 'dispatch.succeeded') throw new Error('not a success');
      expect(fact.data.dispatch).toMatchObject({ dispatchId: fact.data.ref.dispatchId, round: '' });
      expect(fact.data.dispatch?.body).toBe(
        receiver.requests.find((r) => r.headers['webhook-id'] === fact.data.ref.dispatchId)?.body,
      );
    }
    expect(
      await harness.metric(dispatcher, 'hookstream_delivery_first_attempts_total', { path: 'fanout' }),
    ).toBeGreaterThanOrEqual(15);
    // Those handed off while the origin was new went at once: it was not saturated.
    expect(await harness.metric(dispatcher, 'hookstream_delivery_hand_offs_held_total')).toBe(0);
  });

  it('hands a slow endpoint off to the attempt path once its latency is known', async () => {
    const slow = await startReceiver({ defaultBehaviour: behaviours.delay(400) });
    await dispatcher.stop();
    dispatcher = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port},127.0.0.1:${slow.port}`,
    });
    const facts = harness.facts(org);
    const { state } = await harness.subscribe({
      organizationId: org,
      url: `${slow.url}/slow`,
      events: ['run_failed'],
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const event = harness.event(org, 'run_failed', sampleDataOf('run_failed')!);
      ids.push(dispatchIdOf(event.id, state.id));
      await harness.publishEvent(event);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await facts.waitFor('slow delivered', (items) => ids.every((id) => isSettled(items, id)), 60_000);
    const created = ids.filter((id) => factsOf(facts.items, id)[0]?.type === 'dispatch.created');
    await slow.close();
    // A few are tried at fan-out while its latency is unknown; then it goes at its own pace.
    expect(created.length).toBeGreaterThanOrEqual(8);
    // Slow once measured: its hand-offs are spread past the events that caused them.
    expect(
      await harness.metric(dispatcher, 'hookstream_delivery_hand_offs_held_total'),
    ).toBeGreaterThanOrEqual(8);
    for (const id of ids) expect(factsOf(facts.items, id).at(-1)?.type).toBe('dispatch.succeeded');
  });
});
