import { STREAMS } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import type { PublishedEvent, WatchedSubscription } from '../support/oracle';
import {
  allReady,
  expectReplicasComplete,
  publishAccepted,
  startClusterStack,
  steadyPublisher,
  verifyProjection,
  awaitRoutedOnCluster,
  explainUnsound,
  type ClusterStack,
} from './cluster.support';
import { CHAOS, expectSound, oracleReport, settle, sleep, subscribe, type Tenant } from './chaos.support';

/**
 * Node faults on a three-node JetStream cluster with every stream at three replicas, as in
 * production: leaders killed, a node stalled, a rolling restart, a node rebuilt from nothing.
 * Whatever the API answered 202 for is delivered, duplicates only with the same webhook-id.
 */
describe('on a three-node JetStream cluster', () => {
  let stack: ClusterStack;
  let receiver: Receiver;
  const report = oracleReport();

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startClusterStack(), startReceiver()]);
  });
  afterAll(async () => {
    report.print();
    await receiver?.close();
    await stack?.dispose();
  });
  beforeEach(async () => {
    await stack.nats.waitHealthy();
    await allReady(stack);
  });

  /** A tenant, a routed subscription at `path`, and the probes owed to it. */
  const prepare = async (path: string) => {
    const tenant = await stack.tenant();
    const sub = await subscribe(tenant, receiver, path, ['workflow.completed']);
    const probes = await awaitRoutedOnCluster(tenant, receiver, sub);
    return { tenant, sub, probes };
  };

  const judged = async (
    scenario: string,
    tenant: Tenant,
    sub: WatchedSubscription,
    events: PublishedEvent[],
    timeoutMs = 90_000,
  ) => {
    const result = report.add(
      await settle(
        tenant,
        { scenario, events, subscriptions: [sub], requests: receiver.requests },
        timeoutMs,
      ),
    );
    const explanation = await explainUnsound(stack, tenant, result).catch((e: unknown) => String(e));
    if (explanation) process.stdout.write(`\n${scenario}, unsound:\n${explanation}\n`);
    expectSound(result);
  };

  it('delivers a backlog whose EVENTS leader is killed with -9 mid-drain, and the restarted node catches up', async () => {
    const { tenant, sub, probes } = await prepare('/drain');
    // Slow enough that the drain is still under way when the leader dies.
    receiver.route('/drain', behaviours.delay(300));
    const dispatcher = stack.services.dispatcher;
    await dispatcher.stop();
    const backlog: PublishedEvent[] = [];
    for (let i = 0; i < 10; i++) backlog.push(...(await publishAccepted(tenant, 30, 'drain')));

    const leader = await stack.nats.streamLeader(STREAMS.events);
    await dispatcher.restart();
    await receiver.waitForRequests(probes.length + 30, '/drain');
    await leader.kill();
    const next = await stack.nats.streamLeader(STREAMS.events);
    expect(next.name).not.toBe(leader.name);
    await leader.restart();
    await stack.nats.waitHealthy();

    await judged('EVENTS leader kill -9 mid-drain', tenant, sub, [...probes, ...backlog]);
    await expectReplicasComplete(stack.nats, STREAMS.events);
    await expectReplicasComplete(stack.nats, STREAMS.deliveries);
    expect(verifyProjection(stack)).toMatchObject({ status: 0 });
  });

  if (CHAOS) {
    it('finishes the attempts in flight when the DELIVERIES leader is killed with -9', async () => {
      const { tenant, sub, probes } = await prepare('/inflight');
      // Below the compressed 2 s timeout: each attempt is in flight for a while, then succeeds.
      receiver.route('/inflight', behaviours.delay(1_500));
      const events = await publishAccepted(tenant, 60, 'inflight');
      await receiver.waitForRequests(probes.length + 10, '/inflight');
      const leader = await stack.nats.streamLeader(STREAMS.deliveries);
      await leader.kill();
      await sleep(2_000);
      await leader.restart();
      await stack.nats.waitHealthy();

      await judged('DELIVERIES leader kill -9 in flight', tenant, sub, [...probes, ...events]);
      await expectReplicasComplete(stack.nats, STREAMS.deliveries);
    });

    it('delivers everything when the EVENTS leader is stopped (SIGSTOP) past the ack wait, then resumed', async () => {
      const { tenant, sub, probes } = await prepare('/stalled');
      receiver.route('/stalled', behaviours.delay(200));
      const before = await publishAccepted(tenant, 40, 'stalled');
      const leader = await stack.nats.streamLeader(STREAMS.events);
      leader.pause();
      const during: PublishedEvent[] = [];
      try {
        // The others elect a leader, and the services leave the frozen node once its pongs are
        // missed: the API accepts again while it is still frozen.
        for (let i = 0; i < 4; i++) during.push(...(await publishAccepted(tenant, 10, 'stalled', 90_000)));
        // Longer than every consumer's 30 s ack wait: what the frozen node held is redelivered elsewhere.
        await sleep(35_000);
      } finally {
        leader.resume();
      }
      await stack.nats.waitHealthy();
      const after = await publishAccepted(tenant, 20, 'stalled');

      await judged(
        'EVENTS leader SIGSTOP 35 s',
        tenant,
        sub,
        [...probes, ...before, ...during, ...after],
        120_000,
      );
      await expectReplicasComplete(stack.nats, STREAMS.events);
    });

    it('loses nothing through a rolling restart of all three nodes under 200 events/s', async () => {
      const { tenant, sub, probes } = await prepare('/rolling');
      const publisher = steadyPublisher(tenant, 200, 'rolling');
      await sleep(3_000);
      for (const node of stack.nats.nodes) {
        await node.stop();
        await node.restart();
        // An operator (and the Helm chart's probes) waits for a node to be current before the next.
        await stack.nats.waitHealthy(120_000);
      }
      await sleep(3_000);
      const { events, sent, seconds } = await publisher.stop();
      process.stdout.write(`rolling restart: ${events.length} of ${sent} events accepted in ${seconds} s\n`);
      expect(events.length).toBe(sent);

      await judged('rolling restart under 200 events/s', tenant, sub, [...probes, ...events], 300_000);
      await expectReplicasComplete(stack.nats, STREAMS.events);
    });

    it('refills a node whose data directory was deleted while it was down, and serves from it', async () => {
      const { tenant, sub, probes } = await prepare('/wiped');
      const eventsLeader = await stack.nats.streamLeader(STREAMS.events);
      const wiped = stack.nats.nodes.find((n) => n.name !== eventsLeader.name)!;
      const before = await publishAccepted(tenant, 40, 'wiped');
      await wiped.stop();
      await wiped.wipe();
      const down = await publishAccepted(tenant, 40, 'wiped');
      await wiped.restart();
      await stack.nats.waitHealthy(120_000);
      for (const stream of Object.values(STREAMS)) await expectReplicasComplete(stack.nats, stream);

      // The rebuilt node now has to carry the quorum: the leader goes away.
      await eventsLeader.kill();
      await waitFor('a leader on the remaining nodes', async () => {
        const leader = await stack.nats.streamLeader(STREAMS.events);
        return leader.name !== eventsLeader.name;
      });
      const after = await publishAccepted(tenant, 40, 'wiped');
      await judged('node wiped, restarted empty', tenant, sub, [...probes, ...before, ...down, ...after]);
      await eventsLeader.restart();
      await stack.nats.waitHealthy(120_000);
      await expectReplicasComplete(stack.nats, STREAMS.events);
    });

    it('keeps the projection equal to a rebuild after every fault', () => {
      expect(verifyProjection(stack)).toMatchObject({ status: 0 });
    });
  }
});
