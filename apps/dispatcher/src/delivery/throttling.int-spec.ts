import { dispatchIdOf, sampleDataOf, type DeliveryFact } from '@hookstream/contracts';
import { behaviours, startReceiver, type Receiver, type RunningService } from '@hookstream/testing';
import { DispatcherHarness, factsOf, isSettled, outcomesOf } from '../testing/dispatcher.harness';

const RATE = 20;
const BACKLOG = 600;

/** The outcome facts of one dispatch: exactly one success, at attempt 1, and nothing else. */
function deliveredOnceAtFirstAttempt(facts: DeliveryFact[], dispatchId: string): boolean {
  const outcomes = outcomesOf(factsOf(facts, dispatchId));
  const [only] = outcomes;
  return outcomes.length === 1 && only?.type === 'dispatch.succeeded' && only.data.attempt.attempt === 1;
}

/** Per-endpoint throttling with two dispatcher replicas sharing the endpoint's rate. */
describe('throttling (two spawned dispatchers)', () => {
  let harness: DispatcherHarness;
  let limited: Receiver;
  let other: Receiver;
  let dispatchers: RunningService[];

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    limited = await startReceiver();
    other = await startReceiver();
    const env = { DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${limited.port},127.0.0.1:${other.port}` };
    dispatchers = [await harness.startDispatcher(env), await harness.startDispatcher(env)];
  });

  afterAll(async () => {
    await harness?.close();
    await limited?.close();
    await other?.close();
  });

  it('delivers a backlog at the rate across both replicas, while another endpoint is served at once', async () => {
    const org = DispatcherHarness.organization();
    const facts = harness.facts(org);
    const { state: slow } = await harness.subscribe({
      organizationId: org,
      url: `${limited.url}/limited`,
      events: ['run_failed'],
      rateLimit: { perSecond: RATE },
    });
    const otherOrg = DispatcherHarness.organization();
    const otherFacts = harness.facts(otherOrg);
    const { state: fast } = await harness.subscribe({
      organizationId: otherOrg,
      url: `${other.url}/other`,
      events: ['run_failed'],
    });

    const backlog = Array.from({ length: BACKLOG }, () =>
      harness.event(org, 'run_failed', sampleDataOf('run_failed')!),
    );
    for (let i = 0; i < backlog.length; i += 50)
      await Promise.all(backlog.slice(i, i + 50).map((event) => harness.publishEvent(event)));

    // While the backlog drains, the other endpoint's events go out as they come.
    const otherIds: string[] = [];
    const publishedAt = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const event = harness.event(otherOrg, 'run_failed', sampleDataOf('run_failed')!);
      const id = dispatchIdOf(event.id, fast.id);
      otherIds.push(id);
      publishedAt.set(id, Date.now());
      await harness.publishEvent(event);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await otherFacts.waitFor('other endpoint delivered', (items) =>
      otherIds.every((id) => isSettled(items, id)),
    );
    const slowIds = backlog.map((event) => dispatchIdOf(event.id, slow.id));
    const deliveredSoFar = new Set(limited.requests.map((r) => r.headers['webhook-id'])).size;
    // The other endpoint's 40 took 10 s: the limited one is still working through its backlog.
    expect(deliveredSoFar).toBeLessThan(BACKLOG / 2);
    for (const id of otherIds) {
      const request = other.requests.find((r) => r.headers['webhook-id'] === id);
      expect(request).toBeDefined();
      // Generous: promptly, not after the backlog (which takes 30 s).
      expect(request!.receivedAt - publishedAt.get(id)!).toBeLessThan(3_000);
      expect(deliveredOnceAtFirstAttempt(otherFacts.items, id)).toBe(true);
    }

    await facts.waitFor('backlog delivered', (items) => slowIds.every((id) => isSettled(items, id)), 90_000);
    const arrivals = limited.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    const seconds = (arrivals.at(-1)! - arrivals[0]!) / 1000;
    const rate = (arrivals.length - 1) / seconds;
    // The run's arrival rate at the receiver: 20/s ± 10 %, two replicas together.
    expect(rate).toBeGreaterThanOrEqual(RATE * 0.9);
    expect(rate).toBeLessThanOrEqual(RATE * 1.1);
    // And at no time twice the rate: any 5 s of the run hold at most 5 s of the rate, give or take.
    for (const start of arrivals) {
      const inWindow = arrivals.filter((at) => at >= start && at < start + 5_000).length;
      expect(inWindow).toBeLessThanOrEqual(RATE * 5 * 1.2);
    }
    // Nothing lost, each delivered with its own webhook-id, and waiting was never a failed attempt.
    expect(new Set(limited.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(slowIds));
    for (const id of slowIds) expect(deliveredOnceAtFirstAttempt(facts.items, id)).toBe(true);
    // Both replicas sent some of them: the rate is shared, not per replica.
    for (const dispatcher of dispatchers) {
      expect(
        await harness.metric(dispatcher, 'hookstream_delivery_attempts_total', { outcome: 'succeeded' }),
      ).toBeGreaterThan(0);
    }
    const throttled = await Promise.all(
      dispatchers.map((d) => harness.metric(d, 'hookstream_delivery_throttled_total')),
    );
    expect(throttled.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
  }, 150_000);

  it('slows an endpoint without a limit down when it answers 429, honouring Retry-After', async () => {
    const org = DispatcherHarness.organization();
    const facts = harness.facts(org);
    limited.route('/busy', behaviours.sequence(behaviours.retryAfter(2), behaviours.ok()));
    const { state } = await harness.subscribe({
      organizationId: org,
      url: `${limited.url}/busy`,
      events: ['run_failed'],
      retryPolicy: { schedule: ['1s'] },
    });
    const first = harness.event(org, 'run_failed', sampleDataOf('run_failed')!);
    await harness.publishEvent(first);
    const [throttledAnswer] = await limited.waitForRequests(1, '/busy');
    // The back-off reaches the other replica through the bucket's watch.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = Array.from({ length: 20 }, () =>
      harness.event(org, 'run_failed', sampleDataOf('run_failed')!),
    );
    await Promise.all(later.map((event) => harness.publishEvent(event)));
    const ids = later.map((event) => dispatchIdOf(event.id, state.id));
    const firstId = dispatchIdOf(first.id, state.id);
    await facts.waitFor(
      'delivered',
      (items) => [firstId, ...ids].every((id) => isSettled(items, id)),
      60_000,
    );

    const after = limited.requestsTo('/busy').slice(1);
    // Nothing went out during the endpoint's Retry-After, for any dispatch.
    expect(Math.min(...after.map((r) => r.receivedAt)) - throttledAnswer!.receivedAt).toBeGreaterThanOrEqual(
      1_500,
    );
    // Then at a reduced rate: 21 requests unthrottled would arrive within a few milliseconds.
    const spread = Math.max(...after.map((r) => r.receivedAt)) - Math.min(...after.map((r) => r.receivedAt));
    expect(spread).toBeGreaterThan(1_000);
    // The ones that waited were not failed attempts; the throttled one was retried and delivered.
    for (const id of ids) expect(deliveredOnceAtFirstAttempt(facts.items, id)).toBe(true);
    expect(outcomesOf(factsOf(facts.items, firstId)).map((fact) => fact.type)).toEqual([
      'dispatch.attempted',
      'dispatch.succeeded',
    ]);
    const cuts = await Promise.all(
      dispatchers.map((d) => harness.metric(d, 'hookstream_delivery_rate_cuts_total')),
    );
    expect(cuts.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
