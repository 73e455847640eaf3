// What the deployment artifacts must agree on with the code: process entry points,
// default ports and the configuration every service reads (docs/architecture.md §9).
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../../..');

export function repoPath(relativePath: string): string {
  return join(repoRoot, relativePath);
}

export interface ProcessSpec {
  /** Command line after `node`, relative to the image's working directory. */
  readonly entry: string;
  readonly httpPort?: number;
  readonly grpcPort?: number;
}

/** Roles accepted by docker/entrypoint.sh, one per process the image can run. */
export const processes: Readonly<Record<string, ProcessSpec>> = {
  subscriptions: { entry: 'dist/apps/subscriptions/src/main.js', httpPort: 8081, grpcPort: 50051 },
  dispatcher: { entry: 'dist/apps/dispatcher/src/main.js', httpPort: 8082 },
  'log-projector': { entry: 'dist/apps/log-projector/src/main.js', httpPort: 8083, grpcPort: 50053 },
  migrate: { entry: 'dist/scripts/migrate.js' },
  gateway: { entry: 'dist/scripts/gateway.js', httpPort: 8080 },
  cli: { entry: 'bin/hookstream.js' },
};

/** The long-running services that Kubernetes and compose run with probes. */
export const services = ['subscriptions', 'dispatcher', 'log-projector'] as const;

export const probePaths = { live: '/health/live', ready: '/health/ready' } as const;

/** Variables every service process needs to boot. */
export const requiredServiceEnv = [
  'NATS_URL',
  'DATABASE_URL',
  'HTTP_PORT',
  'LOG_LEVEL',
  'JETSTREAM_REPLICAS',
] as const;

/** Every variable the deployments set; a name outside this list is a typo. */
export const knownEnv = new Set<string>([
  ...requiredServiceEnv,
  // JETSTREAM_REPLICAS' former name, still read by the services.
  'STREAM_REPLICAS',
  'ADMIN_TOKEN',
  'SECRETS_KEY',
  'GRPC_PORT',
  'DELIVERY_TIMEOUT_MS',
  'DELIVERY_RETRY_SCHEDULE',
  'DELIVERY_DISABLE_AFTER',
  'DELIVERY_ALLOWED_TARGETS',
  'DELIVERY_ALLOW_HTTP',
  'EVENTS_MAX_AGE',
  'DELIVERIES_MAX_AGE',
  'MAX_EVENT_BYTES',
  'SECRET_ROTATION_GRACE',
  'DELIVERY_CONCURRENCY',
  'DELIVERY_ENDPOINT_CONCURRENCY',
  'SHUTDOWN_GRACE_MS',
  'PORTAL_SIGNING_KEY',
  'PORTAL_PUBLIC_URL',
  'PORTAL_FRAME_ANCESTORS',
]);

/**
 * The secrets each process reads, and no other: the admin token only reaches the service that
 * checks it, so a compromised dispatcher or projector pod cannot provision keys.
 */
export const secretEnvOf: Readonly<Record<string, readonly string[]>> = {
  subscriptions: ['ADMIN_TOKEN', 'SECRETS_KEY'],
  dispatcher: ['SECRETS_KEY'],
  'log-projector': [],
  migrate: [],
};
export const SECRET_ENV = ['ADMIN_TOKEN', 'SECRETS_KEY'] as const;

/** Gateway-only variables (scripts/gateway). */
export const gatewayEnv = ['HTTP_PORT', 'SUBSCRIPTIONS_URL', 'LOG_PROJECTOR_URL'] as const;

/** Secrets a production cluster gets from its secret manager, never from the manifests. */
export const externalSecrets: Readonly<Record<string, readonly string[]>> = {
  'hookstream-secrets': ['ADMIN_TOKEN', 'SECRETS_KEY', 'PORTAL_SIGNING_KEY'],
};
