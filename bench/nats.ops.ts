/** A nats-server's message counters, from its monitoring endpoint (`/varz`). */
export interface VarzCounts {
  /** Messages clients sent to the server: publishes, acks, pull requests, API requests. */
  in_msgs: number;
  /** Messages the server sent to clients: stream deliveries, publish acks, API replies. */
  out_msgs: number;
}

/** Message operations between two snapshots of the same servers (one per node, in the same order). */
export interface NatsOps {
  inMsgs: number;
  outMsgs: number;
  total: number;
}

export interface NatsNode {
  monitor<T>(path: string): Promise<T>;
}

/**
 * The message operations of a window: in_msgs + out_msgs deltas, summed over the nodes. Server
 * internal traffic (a stream storing a message, JetStream's own subscriptions) is in neither
 * counter; on a cluster, route traffic between nodes would be, so only a single node's figure
 * compares with the model.
 */
export function natsOpsBetween(before: readonly VarzCounts[], after: readonly VarzCounts[]): NatsOps {
  if (before.length !== after.length)
    throw new Error(`varz of ${before.length} nodes against ${after.length}`);
  let inMsgs = 0;
  let outMsgs = 0;
  after.forEach((end, i) => {
    inMsgs += end.in_msgs - before[i]!.in_msgs;
    outMsgs += end.out_msgs - before[i]!.out_msgs;
  });
  return { inMsgs, outMsgs, total: inMsgs + outMsgs };
}

export async function readVarz(nodes: readonly NatsNode[]): Promise<VarzCounts[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const { in_msgs, out_msgs } = await node.monitor<VarzCounts>('/varz');
      return { in_msgs, out_msgs };
    }),
  );
}

/**
 * Message operations per delivery the current path implies, at fan-out f with a share h of the
 * first attempts handed off (`dispatch.created`) instead of made at the fan-out:
 * event publish + its ack, and the fan-out's delivery of it + its ack, once per f deliveries;
 * the outcome fact's publish + ack; the projector's delivery of it (an ordered consumer: no
 * ack); for a hand-off also `created`'s publish + ack, the attempts consumer's delivery + ack,
 * and the projector's delivery of it. Pull requests, heartbeats and API calls come on top.
 */
export function modelOpsPerDelivery(fanout: number, handedOff = 0): number {
  return 4 / fanout + 3 + 5 * handedOff;
}
