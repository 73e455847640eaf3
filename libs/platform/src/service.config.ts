import { setting } from './config';
import { duration, int, oneOf, secretKey, str, url } from './config-parsers';
import { portalSigningKey } from './portal-token';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const port = (env: string, defaultPort: number) =>
  setting(env, int({ default: defaultPort, min: 0, max: 65535 }));

/**
 * The settings more than one service reads (docs/architecture.md §9), defined once: each service's
 * spec picks those it needs under these names, next to its own.
 */
export const serviceSettings = {
  /** One URL or a comma-separated list of cluster URLs. */
  natsUrl: setting('NATS_URL', str({ default: 'nats://127.0.0.1:4222' })),
  databaseUrl: setting('DATABASE_URL', url({ protocols: ['postgres', 'postgresql'] })),
  httpPort: (defaultPort: number) => port('HTTP_PORT', defaultPort),
  grpcPort: (defaultPort: number) => port('GRPC_PORT', defaultPort),
  /** The address HTTP and gRPC listen on: 127.0.0.1 keeps a local stack off the network. */
  listenHost: setting('LISTEN_HOST', str({ default: '0.0.0.0' })),
  logLevel: setting('LOG_LEVEL', oneOf(LOG_LEVELS, { default: 'info' })),
  secretsKey: setting('SECRETS_KEY', secretKey()),
  streamReplicas: setting('JETSTREAM_REPLICAS', int({ default: 1, min: 1, max: 5 })),
  eventsMaxAgeMs: setting('EVENTS_MAX_AGE', duration({ default: '7d' })),
  deliveriesMaxAgeMs: setting('DELIVERIES_MAX_AGE', duration({ default: '30d' })),
  shutdownGraceMs: setting('SHUTDOWN_GRACE_MS', int({ default: 25_000, min: 0 })),
  /** The same key in every service that serves portal sessions. */
  portalSigningKey: setting('PORTAL_SIGNING_KEY', portalSigningKey()),
};
