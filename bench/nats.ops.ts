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

/** One client connection's counters, from `/connz?state=all` (open and recently closed ones). */
export interface ConnzEntry {
  cid: number;
  name?: string;
  in_msgs: number;
  out_msgs: number;
}

/**
 * The window's operations by client name (the services name their connections; the bench's is
 * `bench`): each connection's delta, a connection opened in the window counted from zero.
 * Snapshots are per node; a cid is only unique within its node.
 */
export function natsOpsByClient(
  before: ReadonlyArray<readonly ConnzEntry[]>,
  after: ReadonlyArray<readonly ConnzEntry[]>,
): Record<string, { inMsgs: number; outMsgs: number }> {
  const out: Record<string, { inMsgs: number; outMsgs: number }> = {};
  after.forEach((connections, node) => {
    const start = new Map((before[node] ?? []).map((c) => [c.cid, c]));
    for (const c of connections) {
      const from = start.get(c.cid);
      const name = c.name || 'unnamed';
      const entry = (out[name] ??= { inMsgs: 0, outMsgs: 0 });
      entry.inMsgs += c.in_msgs - (from?.in_msgs ?? 0);
      entry.outMsgs += c.out_msgs - (from?.out_msgs ?? 0);
    }
  });
  return out;
}

export async function readConnz(nodes: readonly NatsNode[]): Promise<ConnzEntry[][]> {
  return Promise.all(
    nodes.map(async (node) => {
      const { connections } = await node.monitor<{ connections: ConnzEntry[] | null }>(
        '/connz?state=all&limit=100000',
      );
      return (connections ?? []).map(({ cid, name, in_msgs, out_msgs }) => ({
        cid,
        name,
        in_msgs,
        out_msgs,
      }));
    }),
  );
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
 * first attempts handed off (`dispatch.created`) instead of made at the fan-out, and p attempts
 * parked per delivery (set aside on the endpoint's PARKED queue: saturated, or behind a backlog):
 * - event publish + its ack, and the fan-out's delivery of it + its ack, once per f deliveries;
 * - the outcome fact's publish + ack, and the projector's delivery of it (an ordered consumer:
 *   no ack);
 * - per hand-off, `created`'s publish + ack, the attempts consumer's delivery + ack, and the
 *   projector's delivery of it;
 * - per parked attempt, its publish to PARKED + ack, the queue consumer's delivery + ack, and
 *   the read of the dispatch's fact from DELIVERIES by sequence (an API request + its reply).
 * Pull requests, heartbeats and other API calls come on top.
 */
export function modelOpsPerDelivery(fanout: number, handedOff = 0, parked = 0): number {
  return 4 / fanout + 3 + 5 * handedOff + 6 * parked;
}
