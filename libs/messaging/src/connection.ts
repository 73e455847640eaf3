import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect as nodeConnect } from '@nats-io/transport-node';
import { backoffMs, sleep } from './backoff';
import { defaultLogger, errorMessage, type MessagingLogger } from './logger';

export type NatsConnectionState = 'connected' | 'reconnecting' | 'closed';

export interface NatsConnectionStatus {
  state: NatsConnectionState;
  /** Server currently (or last) connected to. */
  server: string;
  since: Date;
  reconnects: number;
  lastError?: string;
}

export interface ConnectNatsOptions {
  /** One URL or a comma-separated list. */
  servers: string;
  /** Connection name shown by the server (service name and host). */
  name: string;
  logger?: MessagingLogger;
  /** Gives up waiting for the first connection (application shutdown during boot). */
  signal?: AbortSignal;
}

// transport-node re-exports its types through a subpath that this tsconfig's module resolution
// does not follow; the core package declares the same types.
const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

const statuses = new WeakMap<NatsConnection, NatsConnectionStatus>();

/**
 * Connects, retrying the first connection forever (logging each failure), and keeps reconnecting
 * forever afterwards: a JetStream outage must never end a service process.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const logger = options.logger ?? defaultLogger('Nats');
  const servers = options.servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (let attempt = 0; ; attempt++) {
    try {
      const nc = await connect({
        servers,
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
        // A server that is frozen (SIGSTOP, a stalled VM) keeps its sockets open: only missed
        // pongs reveal it. The client's default (2 min, 2 outstanding) left a service publishing
        // into a dead connection for 4 min while the other nodes of the cluster were fine.
        pingInterval: 5_000,
        maxPingOut: 3,
        // A frozen server still accepts TCP connections and then says nothing: the client's default
        // (20 s per attempt) spent that long on it, and nats.js tries the server it just left
        // first. A handshake takes milliseconds; 5 s also leaves room for a loaded machine.
        timeout: 5_000,
        // Async stack traces cost a closure per request; without them publish throughput doubles.
        noAsyncTraces: true,
      });
      track(nc, logger);
      logger.info({ server: nc.getServer() }, 'connected to NATS');
      return nc;
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const delay = backoffMs(attempt, 250, 5_000);
      logger.warn(
        { servers: servers.join(','), attempt: attempt + 1, err, retryInMs: delay },
        'NATS not reachable; retrying',
      );
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw new Error('gave up connecting to NATS: aborted');
    }
  }
}

/** Current state of a connection made by connectNats (or any connection: then derived from it). */
export function natsConnectionStatus(nc: NatsConnection): NatsConnectionStatus {
  const tracked = statuses.get(nc);
  if (tracked) return { ...tracked };
  return {
    state: nc.isClosed() ? 'closed' : 'connected',
    server: nc.getServer(),
    since: new Date(),
    reconnects: 0,
  };
}

/** Health check shape shared by the messaging probes. */
export function natsConnectionHealth(nc: NatsConnection): { healthy: boolean; detail: string } {
  const status = natsConnectionStatus(nc);
  const detail =
    status.state === 'connected'
      ? `connected to ${status.server}`
      : `${status.state} since ${status.since.toISOString()}${status.lastError ? `: ${status.lastError}` : ''}`;
  return { healthy: status.state === 'connected', detail };
}

function track(nc: NatsConnection, logger: MessagingLogger): void {
  const status: NatsConnectionStatus = {
    state: 'connected',
    server: nc.getServer(),
    since: new Date(),
    reconnects: 0,
  };
  statuses.set(nc, status);
  const enter = (state: NatsConnectionState): void => {
    if (status.state === state) return;
    status.state = state;
    status.since = new Date();
  };
  void (async () => {
    for await (const event of nc.status()) {
      switch (event.type) {
        case 'disconnect':
          enter('reconnecting');
          logger.warn({ server: event.server }, 'disconnected from NATS; reconnecting');
          break;
        case 'reconnecting':
          enter('reconnecting');
          break;
        case 'reconnect':
          enter('connected');
          status.server = event.server;
          status.reconnects++;
          logger.info({ server: event.server }, 'reconnected to NATS');
          break;
        case 'error':
          status.lastError = errorMessage(event.error);
          logger.warn({ error: status.lastError }, 'NATS connection error');
          break;
        case 'close':
          enter('closed');
          break;
        default:
          break;
      }
    }
  })();
  void nc.closed().then((err) => {
    enter('closed');
    if (err) {
      status.lastError = errorMessage(err);
      logger.error({ error: status.lastError }, 'NATS connection closed');
    }
  });
}
