import { bool, ConfigError, duration, int, list, readConfig, secretKey, str } from '@hookstream/platform';
import { withReplicasAlias } from '@hookstream/messaging';
import { parseAllowedTargets, parseSchedule, type AllowList } from '@hookstream/webhooks';

/** Everything the dispatcher reads from its environment (docs/architecture.md §9 and its own settings). */
export interface DispatcherConfig {
  natsUrl: string;
  httpPort: number;
  /** Address the probes and metrics listen on (LISTEN_HOST). */
  listenHost: string;
  logLevel: string;
  secretsKey: Buffer;
  streamReplicas: number;
  eventsMaxAgeMs: number;
  deliveriesMaxAgeMs: number;
  maxEventBytes: number;
  deliveryTimeoutMs: number;
  /** Delays after the first attempt, in milliseconds. */
  retryScheduleMs: number[];
  disableAfterMs: number;
  /** DELIVERY_ALLOWED_TARGETS: targets reachable despite the address rules. */
  allow: AllowList;
  allowHttp: boolean;
  deliveryConcurrency: number;
  endpointConcurrency: number;
  /** Failed attempts in a row that open an endpoint's circuit. */
  circuitThreshold: number;
  circuitProbeBaseMs: number;
  circuitProbeMaxMs: number;
  /** The fan-out makes first attempts itself when the endpoint can take them now. */
  fastPath: boolean;
  /** The retries consumer's pending limit; each endpoint may hold a tenth of it. */
  retriesMaxPending: number;
  shutdownGraceMs: number;
}

export const DISPATCHER_CONFIG = Symbol('DISPATCHER_CONFIG');

/** Reads and validates the configuration once at boot; a wrong variable stops the process naming it. */
export function readDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  const raw = readConfig(
    {
      // One URL or a comma-separated list of cluster URLs.
      NATS_URL: str({ default: 'nats://127.0.0.1:4222' }),
      HTTP_PORT: int({ default: 8082, min: 1, max: 65535 }),
      LISTEN_HOST: str({ default: '0.0.0.0' }),
      LOG_LEVEL: str({ default: 'info' }),
      SECRETS_KEY: secretKey(),
      JETSTREAM_REPLICAS: int({ default: 1, min: 1, max: 5 }),
      EVENTS_MAX_AGE: duration({ default: '7d' }),
      DELIVERIES_MAX_AGE: duration({ default: '30d' }),
      MAX_EVENT_BYTES: int({ default: 262144, min: 1024 }),
      DELIVERY_TIMEOUT_MS: int({ default: 15000, min: 100, max: 300_000 }),
      DELIVERY_RETRY_SCHEDULE: str({ default: '5s,5m,30m,2h,5h,10h,10h' }),
      DELIVERY_DISABLE_AFTER: duration({ default: '5d' }),
      DELIVERY_ALLOWED_TARGETS: list({ default: [] }),
      DELIVERY_ALLOW_HTTP: bool({ default: false }),
      DELIVERY_CONCURRENCY: int({ default: 256, min: 1, max: 10_000 }),
      DELIVERY_ENDPOINT_CONCURRENCY: int({ default: 32, min: 1, max: 1_000 }),
      DELIVERY_CIRCUIT_THRESHOLD: int({ default: 10, min: 1, max: 10_000 }),
      DELIVERY_CIRCUIT_PROBE_BASE: duration({ default: '5s' }),
      DELIVERY_CIRCUIT_PROBE_MAX: duration({ default: '5m' }),
      DELIVERY_FAST_PATH: bool({ default: true }),
      DELIVERY_RETRIES_MAX_PENDING: int({ default: 200_000, min: 1_000, max: 10_000_000 }),
      SHUTDOWN_GRACE_MS: int({ default: 25000, min: 0 }),
    },
    withReplicasAlias(env),
  );
  // Parsed by the same functions that judge subscriptions' own policies and URLs.
  const problems: string[] = [];
  const parse = <T>(name: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}`);
      return undefined;
    }
  };
  const allow = parse('DELIVERY_ALLOWED_TARGETS', () =>
    parseAllowedTargets(raw.DELIVERY_ALLOWED_TARGETS.join(',')),
  );
  const retryScheduleMs = parse('DELIVERY_RETRY_SCHEDULE', () => parseSchedule(raw.DELIVERY_RETRY_SCHEDULE));
  if (allow === undefined || retryScheduleMs === undefined) throw new ConfigError(problems);
  return {
    natsUrl: raw.NATS_URL,
    httpPort: raw.HTTP_PORT,
    listenHost: raw.LISTEN_HOST,
    logLevel: raw.LOG_LEVEL,
    secretsKey: raw.SECRETS_KEY,
    streamReplicas: raw.JETSTREAM_REPLICAS,
    eventsMaxAgeMs: raw.EVENTS_MAX_AGE,
    deliveriesMaxAgeMs: raw.DELIVERIES_MAX_AGE,
    maxEventBytes: raw.MAX_EVENT_BYTES,
    deliveryTimeoutMs: raw.DELIVERY_TIMEOUT_MS,
    retryScheduleMs,
    disableAfterMs: raw.DELIVERY_DISABLE_AFTER,
    allow,
    allowHttp: raw.DELIVERY_ALLOW_HTTP,
    deliveryConcurrency: raw.DELIVERY_CONCURRENCY,
    endpointConcurrency: raw.DELIVERY_ENDPOINT_CONCURRENCY,
    circuitThreshold: raw.DELIVERY_CIRCUIT_THRESHOLD,
    circuitProbeBaseMs: raw.DELIVERY_CIRCUIT_PROBE_BASE,
    circuitProbeMaxMs: Math.max(raw.DELIVERY_CIRCUIT_PROBE_MAX, raw.DELIVERY_CIRCUIT_PROBE_BASE),
    fastPath: raw.DELIVERY_FAST_PATH,
    retriesMaxPending: raw.DELIVERY_RETRIES_MAX_PENDING,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
  };
}
