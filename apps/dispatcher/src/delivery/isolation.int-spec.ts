import { once } from 'node:events';
import { dispatchIdOf, sampleDataOf } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { DispatcherHarness, factsOf, isSettled, outcomesOf } from '../testing/dispatcher.harness';

describe('endpoint isolation and graceful shutdown (spawned dispatcher)', () => {
  let harness: DispatcherHarness;
  let hanging: Receiver;
  let healthy: Receiver;
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    hanging = await startReceiver({ defaultBehaviour: behaviours.hang() });
    healthy = await startReceiver();
  });

  afterAll(async () => {
    await harness?.close();
    await Promise.all([hanging?.close(), healthy?.close()]);
  });

  it('keeps delivering to a healthy endpoint while another hangs, then hands the hung attempts back on SIGTERM', async () => {
    const dispatcher = await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${hanging.port},127.0.0.1:${healthy.port}`,
      DELIVERY_ENDPOINT_CONCURRENCY: '2',
      DELIVERY_TIMEOUT_MS: '60000',
      SHUTDOWN_GRACE_MS: '2000',
    });
    const facts = harness.facts(org);
    const stuck = await harness.subscribe({
      organizationId: org,
      url: `${hanging.url}/stuck`,
      events: ['workflow.step.completed'],
    });
    const fine = await harness.subscribe({
      organizationId: org,
      url: `${healthy.url}/fine`,
      events: ['workflow.step.started'],
    });

    // The hanging endpoint's events come first in the stream.
    const stuckEvents = Array.from({ length: 10 }, () =>
      harness.event(org, 'workflow.step.completed', sampleDataOf('workflow.step.completed')!),
    );
    const fineEvents = Array.from({ length: 30 }, () =>
      harness.event(org, 'workflow.step.started', sampleDataOf('workflow.step.started')!),
    );
    for (const event of [...stuckEvents, ...fineEvents]) await harness.publishEvent(event);

    await healthy.waitForRequests(30, '/fine');
    const fineIds = fineEvents.map((event) => dispatchIdOf(event.id, fine.state.id));
    await facts.waitFor('healthy deliveries recorded', (items) =>
      fineIds.every((id) => isSettled(items, id)),
    );
    expect(fineIds.every((id) => factsOf(facts.items, id).at(-1)?.type === 'dispatch.succeeded')).toBe(true);

    // At most DELIVERY_ENDPOINT_CONCURRENCY requests ever reached the hanging endpoint; the rest went back to the stream.
    await waitFor('two hung requests', async () => hanging.requests.length === 2);
    // The other eight went back to the stream once the endpoint had stayed silent.
    await waitFor('hand-backs of the hung endpoint', async () => {
      return (await harness.metric(dispatcher, 'hookstream_delivery_endpoint_saturated_total')) >= 8;
    });

    await dispatcher.stop();
    // The exit comes before the last output is read.
    const stdout = dispatcher.process.stdout;
    if (stdout && !stdout.closed) await once(stdout, 'close');
    // Nest re-raises SIGTERM once closed; the forced exit after the grace would be exit code 1.
    expect(dispatcher.process.exitCode ?? 0).toBe(0);
    expect(dispatcher.output()).toMatch(
      /"count":2,.*attempts still running at the end of the grace handed back/,
    );
    expect(hanging.requests).toHaveLength(2);
    // Interrupted attempts have no outcome: they are handed back (the fan-out's with its event) and
    // will be attempted again.
    const stuckIds = stuckEvents.map((event) => dispatchIdOf(event.id, stuck.state.id));
    for (const id of stuckIds) expect(outcomesOf(factsOf(facts.items, id))).toEqual([]);
  });
});
