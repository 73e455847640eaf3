import { withReplicasAlias } from '@hookstream/messaging';
import { duration, int, oneOf, portalSigningKey, readConfig, str, url } from '@hookstream/platform';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable the log-projector reads (docs/architecture.md §9 names plus its own). */
export const logProjectorConfigSpec = {
  NATS_URL: str({ default: 'nats://127.0.0.1:4222' }),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }),
  HTTP_PORT: int({ default: 8083, min: 0, max: 65535 }),
  GRPC_PORT: int({ default: 50053, min: 0, max: 65535 }),
  /** The address HTTP and gRPC listen on: 127.0.0.1 keeps a local stack off the network. */
  LISTEN_HOST: str({ default: '0.0.0.0' }),
  LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info' }),
  JETSTREAM_REPLICAS: int({ default: 1, min: 1, max: 5 }),
  EVENTS_MAX_AGE: duration({ default: '7d' }),
  DELIVERIES_MAX_AGE: duration({ default: '30d' }),
  SHUTDOWN_GRACE_MS: int({ default: 25_000, min: 0 }),
  /** A batch is written when it holds this many facts ... */
  PROJECTOR_BATCH_SIZE: int({ default: 500, min: 1, max: 10_000 }),
  /** ... or when its first fact has waited this long, whichever comes first. */
  PROJECTOR_BATCH_MS: int({ default: 20, min: 0, max: 10_000 }),
  /** The same key as the subscriptions service's: portal sessions read logs and retry here. */
  PORTAL_SIGNING_KEY: portalSigningKey(),
};

export type LogProjectorConfig = ReturnType<typeof readLogProjectorConfig>;

export const LOG_PROJECTOR_CONFIG = Symbol('LOG_PROJECTOR_CONFIG');

export function readLogProjectorConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(logProjectorConfigSpec, withReplicasAlias(env));
}
