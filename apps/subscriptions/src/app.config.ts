import {
  ConfigError,
  bool,
  duration,
  int,
  oneOf,
  portalSigningKey,
  readConfig,
  secretKey,
  str,
  url,
} from '@hookstream/platform';
import { withReplicasAlias } from '@hookstream/messaging';
import { type AllowList, parseAllowedTargets } from '@hookstream/webhooks';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable the subscriptions service reads (docs/architecture.md §9 names plus its own). */
export const subscriptionsConfigSpec = {
  NATS_URL: str({ default: 'nats://127.0.0.1:4222' }),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }),
  HTTP_PORT: int({ default: 8081, min: 0, max: 65535 }),
  GRPC_PORT: int({ default: 50051, min: 0, max: 65535 }),
  /** The address HTTP and gRPC listen on: 127.0.0.1 keeps a local stack off the network. */
  LISTEN_HOST: str({ default: '0.0.0.0' }),
  ADMIN_TOKEN: str(),
  SECRETS_KEY: secretKey(),
  DELIVERY_ALLOWED_TARGETS: str({ default: '', allowEmpty: true }),
  DELIVERY_ALLOW_HTTP: bool({ default: false }),
  LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info' }),
  JETSTREAM_REPLICAS: int({ default: 1, min: 1, max: 5 }),
  EVENTS_MAX_AGE: duration({ default: '7d' }),
  DELIVERIES_MAX_AGE: duration({ default: '30d' }),
  MAX_EVENT_BYTES: int({ default: 262_144, min: 1024, max: 8 * 1024 * 1024 }),
  SECRET_ROTATION_GRACE: duration({ default: '24h' }),
  SHUTDOWN_GRACE_MS: int({ default: 25_000, min: 0 }),
  PORTAL_SIGNING_KEY: portalSigningKey(),
  PORTAL_PUBLIC_URL: url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8080' }),
  PORTAL_FRAME_ANCESTORS: str({ default: "'self'" }),
};

const readVariables = (env: NodeJS.ProcessEnv) => readConfig(subscriptionsConfigSpec, withReplicasAlias(env));
type RawConfig = ReturnType<typeof readVariables>;

export interface SubscriptionsConfig extends RawConfig {
  /** DELIVERY_ALLOWED_TARGETS, parsed. */
  allowList: AllowList;
}

export function readSubscriptionsConfig(env: NodeJS.ProcessEnv = process.env): SubscriptionsConfig {
  const config = readVariables(env);
  const problems: string[] = [];
  // A short admin token is guessable, and the admin API creates keys for any organization.
  if (config.ADMIN_TOKEN.length < 16) problems.push('ADMIN_TOKEN must be at least 16 characters');
  // Written into a Content-Security-Policy header: one directive's sources, nothing that ends it.
  if (!/^[^;,\r\n]+$/.test(config.PORTAL_FRAME_ANCESTORS))
    problems.push(
      "PORTAL_FRAME_ANCESTORS must be space-separated CSP sources such as 'self' https://app.example.com",
    );
  let allowList: AllowList | undefined;
  try {
    allowList = parseAllowedTargets(config.DELIVERY_ALLOWED_TARGETS);
  } catch (error) {
    problems.push(`DELIVERY_ALLOWED_TARGETS ${(error as Error).message}`);
  }
  if (problems.length > 0 || !allowList) throw new ConfigError(problems);
  return { ...config, allowList };
}
