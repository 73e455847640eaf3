import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as nodeConnect } from '@nats-io/transport-node';

// transport-node re-exports its types through a subpath this tsconfig does not follow; core declares them.
const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

export interface StreamClusterInfo {
  leader?: string;
  replicas: Array<{ name: string; current: boolean; offline?: boolean; lag?: number }>;
  /** The stream's own state, as its leader reports it. */
  messages: number;
  lastSeq: number;
}

/** Stream info through a short-lived connection: no reconnect state to reason about in a test. */
export async function clusterStreamInfo(urls: string[], stream: string): Promise<StreamClusterInfo> {
  if (urls.length === 0) throw new Error('no node of the cluster is reachable');
  const nc = await connect({ servers: urls, timeout: 5_000, maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    const info = await jsm.streams.info(stream);
    return {
      leader: info.cluster?.leader,
      replicas: (info.cluster?.replicas ?? []).map((r) => ({
        name: r.name,
        current: r.current,
        offline: r.offline,
        lag: r.lag,
      })),
      messages: info.state.messages,
      lastSeq: info.state.last_seq,
    };
  } finally {
    await nc.close();
  }
}
