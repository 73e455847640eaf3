import { Kvm } from '@nats-io/kv';
import { dispatchIdOf, sampleDataOf, subjects, type EventEnvelope } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver, type RunningService } from '@hookstream/testing';
import { DispatcherHarness, factsOf } from '../testing/dispatcher.harness';
import { LEASES_BUCKET } from './ordering-leases.service';
import { queueLeaseOf } from './ordered-queues.service';

/** A seeded generator, so a failing run can be repeated. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const EVENTS = 2_000;
const KEYS = 20;
const SEED = Number(process.env.ORDERING_SEED ?? 18);

describe(`ordered delivery per subject: ${EVENTS} events over ${KEYS} keys, an endpoint failing 30 % of requests, two dispatchers, the owner killed mid-run`, () => {
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

  it('delivers each key strictly in EVENTS order across retries and a crash, and loses nothing', async () => {
    receiver.route(
      '/ordered',
      behaviours.chance(0.3, behaviours.status(500), behaviours.ok(), mulberry32(SEED)),
    );
    const env = { DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}` };
    const dispatchers: RunningService[] = [
      await harness.startDispatcher(env),
      await harness.startDispatcher(env),
    ];
    const facts = harness.facts(org);
    const subscription = await harness.subscribe({
      organizationId: org,
      url: `${receiver.url}/ordered`,
      events: ['run_completed'],
      ordering: 'subject',
      // Fifteen attempts: at 30 % failures, a dispatch failing them all is a one in seventy million event.
      retryPolicy: { schedule: Array.from({ length: 14 }, () => '100ms') },
    });

    // Stored order per key: what the receiver must see, key by key.
    const expected = new Map<string, string[]>();
    const keyOf = new Map<string, string>();
    const stored: Array<{ seq: number; key: string; dispatchId: string }> = [];
    const events: EventEnvelope[] = Array.from({ length: EVENTS }, (_, index) => ({
      ...harness.event(org, 'run_completed', sampleDataOf('run_completed')!),
      subject: `order-${index % KEYS}`,
    }));
    for (let start = 0; start < events.length; start += 50) {
      const batch = events.slice(start, start + 50);
      const acks = await Promise.all(
        batch.map((event) =>
          harness.publisher.publish(subjects.event(org, event.type), event, { msgId: event.id }),
        ),
      );
      batch.forEach((event, index) => {
        const dispatchId = dispatchIdOf(event.id, subscription.state.id);
        stored.push({ seq: acks[index]!.seq, key: event.subject!, dispatchId });
      });
    }
    for (const { key, dispatchId } of stored.sort((a, b) => a.seq - b.seq)) {
      expected.set(key, [...(expected.get(key) ?? []), dispatchId]);
      keyOf.set(dispatchId, key);
    }

    const delivered = (): Set<string> =>
      new Set(
        receiver
          .requestsTo('/ordered')
          .filter((request) => request.status === 200)
          .map((request) => request.headers['webhook-id']!),
      );
    await waitFor('a quarter delivered', async () => delivered().size >= EVENTS / 4, 60_000);

    // The replica that owns the queue (its lease names its process) dies mid-run.
    const leases = await new Kvm(harness.js).open(LEASES_BUCKET);
    const owner = (await leases.get(queueLeaseOf(subscription.state.id)))?.string() ?? '';
    const victim = dispatchers.find((service) => owner.includes(`-${service.process.pid}-`));
    expect(victim).toBeDefined();
    await victim!.kill();
    const deliveredAtKill = delivered().size;
    expect(deliveredAtKill).toBeLessThan(EVENTS);

    await waitFor('every dispatch delivered', async () => delivered().size === EVENTS, 240_000);
    // The log agrees: every dispatch ends as succeeded (a success repeated by the new owner
    // after a crash is the stored outcome of its attempt, never a second one).
    const succeededInLog = (): Set<string> =>
      new Set(
        facts.items.flatMap((fact) => (fact.type === 'dispatch.succeeded' ? [fact.data.ref.dispatchId] : [])),
      );
    await waitFor(
      'every dispatch succeeded in the log',
      async () => succeededInLog().size === EVENTS,
      60_000,
    ).catch(() => undefined);
    const unsettled = stored.filter(({ dispatchId }) => !succeededInLog().has(dispatchId));
    expect(
      unsettled.map(({ dispatchId }) => factsOf(facts.items, dispatchId).map((fact) => fact.type)),
    ).toEqual([]);

    // Per key: first successful arrivals in stored order, and no request of an event ever before
    // the previous event of its key got its success (not even a failing one): one in flight per key.
    const firstSuccess = new Map<string, string[]>();
    const violations: string[] = [];
    const succeeded = new Set<string>();
    const position = new Map<string, number>();
    for (const request of receiver.requestsTo('/ordered')) {
      const id = request.headers['webhook-id']!;
      const key = keyOf.get(id);
      if (key === undefined) {
        violations.push(`unexpected webhook-id ${id}`);
        continue;
      }
      const order = expected.get(key)!;
      const index = order.indexOf(id);
      const done = position.get(key) ?? 0;
      if (index > done) violations.push(`${key}: ${id} (#${index}) sent while #${done} was not delivered`);
      if (request.status === 200 && !succeeded.has(id)) {
        succeeded.add(id);
        firstSuccess.set(key, [...(firstSuccess.get(key) ?? []), id]);
        if (index === done) position.set(key, done + 1);
      }
    }
    expect(violations).toEqual([]);
    for (const [key, order] of expected) expect(firstSuccess.get(key)).toEqual(order);
    expect(succeeded.size).toBe(EVENTS);
    // Retries happened, at every key, and the crash left work for the survivor.
    expect(
      receiver.requestsTo('/ordered').filter((request) => request.status === 500).length,
    ).toBeGreaterThan(EVENTS / 10);
    expect(deliveredAtKill).toBeGreaterThan(0);
    // About 80 s here, 45 s of it the lease of the killed owner running out.
  }, 300_000);
});
