import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

/** The bench's own connection; without async traces, as the services connect. `url` may list a cluster's nodes. */
export const connectBench = (url: string, name: string): Promise<NatsConnection> =>
  connect({ servers: url.split(','), name, noAsyncTraces: true });
