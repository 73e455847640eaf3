import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect as nodeConnect } from '@nats-io/transport-node';

// transport-node re-exports its types through a subpath this tsconfig does not follow; core declares them.
const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

/** The bench's own connection; without async traces, as the services connect. */
export const connectBench = (url: string, name: string): Promise<NatsConnection> =>
  connect({ servers: url, name, noAsyncTraces: true });
