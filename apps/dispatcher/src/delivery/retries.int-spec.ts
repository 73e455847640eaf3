import { Webhook } from 'standardwebhooks';
import { dispatchIdOf, factMessageIds, sampleDataOf, type DeliveryFact } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver, type RunningService } from '@hookstream/testing';
import {
  DispatcherHarness,
  factsOf,
  firstCarriesDispatch,
  isSettled,
  outcomesOf,
} from '../testing/dispatcher.harness';

const kinds = (facts: DeliveryFact[]): string[] => facts.map((fact) => fact.type);

describe('retries, Retry-After, 410 and abandoned rounds (spawned dispatcher)', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  let dispatcher: RunningService;
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    receiver = await startReceiver();
    dispatcher = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`,
      DELIVERY_RETRY_SCHEDULE: '200ms,400ms',
    });
  });

  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  async function dispatchTo(
    path: string,
    type = 'run_failed',
    extra: { retryPolicy?: { schedule: string[] } } = {},
  ) {
    const facts = harness.facts(org);
    const { state, secret } = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}${path}`,
      events: [type],
      retryPolicy: extra.retryPolicy ?? null,
    });
    const event = harness.event(org, type, sampleDataOf(type) ?? {});
    await harness.publishEvent(event);
    return { facts, state, secret, event, dispatchId: dispatchIdOf(event.id, state.id) };
  }

  it('retries on the schedule with the same webhook-id until a 2xx, and the facts tell the story', async () => {
    receiver.route(
      '/flaky',
      behaviours.sequence(behaviours.status(500, 'down'), behaviours.status(502), behaviours.ok()),
    );
    const { facts, dispatchId, secret } = await dispatchTo('/flaky');
    await facts.waitFor('flaky dispatch settled', (items) => isSettled(items, dispatchId));
    const story = factsOf(facts.items, dispatchId);
    expect(firstCarriesDispatch(story)).toBe(true);
    expect(kinds(outcomesOf(story))).toEqual([
      'dispatch.attempted',
      'dispatch.attempted',
      'dispatch.succeeded',
    ]);
    const [first, second, last] = outcomesOf(story);
    if (
      first?.type !== 'dispatch.attempted' ||
      second?.type !== 'dispatch.attempted' ||
      last?.type !== 'dispatch.succeeded'
    )
      throw new Error('unexpected facts');
    expect(first.data.attempt).toMatchObject({
      attempt: 1,
      responseStatus: 500,
      responseBody: 'down',
      errorMessage: 'HTTP 500',
    });
    expect(second.data.attempt).toMatchObject({ attempt: 2, responseStatus: 502 });
    expect(last.data.attempt).toMatchObject({ attempt: 3, responseStatus: 200, nextAttemptAt: null });
    expect(outcomesOf(story).map((fact) => fact.metadata.messageId)).toEqual([
      factMessageIds.attempt(dispatchId, '', 1),
      factMessageIds.attempt(dispatchId, '', 2),
      factMessageIds.attempt(dispatchId, '', 3),
    ]);
    const requests = receiver.requestsTo('/flaky');
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([dispatchId, dispatchId, dispatchId]);
    for (const request of requests)
      expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
    // Each retry waited for its scheduled time.
    expect(requests[1]!.receivedAt).toBeGreaterThanOrEqual(Date.parse(first.data.attempt.nextAttemptAt!));
    expect(requests[2]!.receivedAt).toBeGreaterThanOrEqual(Date.parse(second.data.attempt.nextAttemptAt!));
  });

  it('fails the dispatch after the last scheduled attempt', async () => {
    receiver.route('/down', behaviours.status(503));
    const { facts, dispatchId } = await dispatchTo('/down');
    await facts.waitFor('down dispatch settled', (items) => isSettled(items, dispatchId));
    const story = factsOf(facts.items, dispatchId);
    expect(firstCarriesDispatch(story)).toBe(true);
    expect(kinds(outcomesOf(story))).toEqual(['dispatch.attempted', 'dispatch.attempted', 'dispatch.failed']);
    const failed = story.at(-1);
    expect(failed?.type === 'dispatch.failed' && failed.data.reason).toMatch(
      /HTTP 503 \(attempt 3, no retries left\)/,
    );
    expect(
      await harness.metric(dispatcher, 'hookstream_delivery_attempts_total', {
        outcome: 'failed',
        status_class: '5xx',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('waits at least as long as Retry-After asks', async () => {
    receiver.route('/throttled', behaviours.sequence(behaviours.retryAfter(2, 429), behaviours.ok()));
    const { facts, dispatchId } = await dispatchTo('/throttled');
    await facts.waitFor('throttled dispatch settled', (items) => isSettled(items, dispatchId));
    const attempted = factsOf(facts.items, dispatchId).find((fact) => fact.type === 'dispatch.attempted');
    if (attempted?.type !== 'dispatch.attempted') throw new Error('no attempted fact');
    const { startedAt, nextAttemptAt } = attempted.data.attempt;
    expect(Date.parse(nextAttemptAt!) - Date.parse(startedAt)).toBeGreaterThanOrEqual(2_000);
    const [first, second] = receiver.requestsTo('/throttled');
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('gives up on 410, disables the subscription and publishes webhook.disabled to subscribers', async () => {
    receiver.route('/gone', behaviours.status(410));
    const watcher = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/watcher`,
      events: ['webhook.*'],
    });
    const witness = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/witness`,
      events: ['workflow.failed'],
    });
    const disabledEvents = harness.events(`events.${org}.webhook.disabled`);
    const { facts, dispatchId, state } = await dispatchTo('/gone', 'workflow.failed');
    await facts.waitFor('gone dispatch settled', (items) => isSettled(items, dispatchId));
    const story = factsOf(facts.items, dispatchId);
    expect(firstCarriesDispatch(story)).toBe(true);
    expect(kinds(outcomesOf(story))).toEqual(['dispatch.failed']);
    const gone = story.at(-1);
    expect(gone?.type === 'dispatch.failed' && gone.data).toMatchObject({
      disableSubscription: true,
    });

    const [disabled] = await disabledEvents.waitFor('webhook.disabled', (items) => items.length > 0);
    expect(disabled).toMatchObject({
      type: 'webhook.disabled',
      organizationId: org,
      id: `whdis_${state.id}_${Date.parse(state.updatedAt)}`,
      data: { subscriptionId: state.id, url: state.url, reason: expect.stringMatching(/410/) },
    });
    // Organizations subscribe to it like to any event.
    const [notified] = await receiver.waitForRequests(1, '/watcher');
    expect(JSON.parse(notified!.body)).toMatchObject({
      type: 'webhook.disabled',
      data: { subscriptionId: state.id },
    });
    expect(
      await harness.metric(dispatcher, 'hookstream_subscriptions_disabled_total', { reason: 'gone' }),
    ).toBe(1);

    // The next event reaches the other subscriber but no longer the disabled one.
    const next = harness.event(org, 'workflow.failed', sampleDataOf('workflow.failed')!);
    await harness.publishEvent(next);
    await receiver.waitForRequests(2, '/witness');
    expect(receiver.requestsTo('/gone')).toHaveLength(1);
    expect(factsOf(facts.items, dispatchIdOf(next.id, state.id))).toEqual([]);
    expect(watcher.state.id).not.toBe(witness.state.id);
  });

  it('abandons a pending retry of a deleted subscription, and of an inactive one, without an attempt', async () => {
    receiver.route('/deleted', behaviours.status(500));
    receiver.route('/paused', behaviours.status(500));
    const slow = { retryPolicy: { schedule: ['3s'] } };
    const deleted = await dispatchTo('/deleted', 'run_completed', slow);
    const paused = await dispatchTo('/paused', 'workflow.step.started', slow);
    for (const { facts, dispatchId } of [deleted, paused])
      await facts.waitFor('first attempt', (items) =>
        factsOf(items, dispatchId).some((f) => f.type === 'dispatch.attempted'),
      );
    // Both wait on the retries consumer meanwhile.
    await waitFor('retries pending', async () => {
      return (await harness.metric(dispatcher, 'hookstream_delivery_retries_pending')) >= 2;
    });
    await harness.deleteSubscription(deleted.state);
    await harness.storeSubscription({ ...paused.state, active: false, updatedAt: new Date().toISOString() });
    for (const [{ facts, dispatchId }, reason] of [
      [deleted, 'subscription deleted'],
      [paused, 'subscription inactive'],
    ] as const) {
      await facts.waitFor('abandoned', (items) => isSettled(items, dispatchId));
      const last = factsOf(facts.items, dispatchId).at(-1);
      expect(last?.type === 'dispatch.failed' && last.data).toMatchObject({ attempt: null, reason });
      expect(last?.metadata.messageId).toBe(factMessageIds.abandoned(dispatchId, ''));
    }
    expect(receiver.requestsTo('/deleted')).toHaveLength(1);
    expect(receiver.requestsTo('/paused')).toHaveLength(1);
  });
});
