import {
  bool,
  duration,
  int,
  list,
  readSettings,
  serviceSettings,
  setting,
  type LogLevel,
  type SettingsSpec,
  str,
} from '@hookstream/platform';
import { withReplicasAlias } from '@hookstream/messaging';
import { parseAllowedTargets, parseSchedule, type AllowList } from '@hookstream/webhooks';

/** Everything the dispatcher reads from its environment (docs/architecture.md §9 and its own settings). */
export interface DispatcherConfig {
  natsUrl: string;
  httpPort: number;
  /** Address the probes and metrics listen on (LISTEN_HOST). */
  listenHost: string;
  logLevel: LogLevel;
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

const { natsUrl, httpPort, listenHost, logLevel, secretsKey, streamReplicas } = serviceSettings;
const { eventsMaxAgeMs, deliveriesMaxAgeMs, shutdownGraceMs } = serviceSettings;

/** Where each setting comes from; the schedule and the targets are parsed by the functions that judge subscriptions' own. */
export const dispatcherSettings = {
  natsUrl,
  httpPort: httpPort(8082),
  listenHost,
  logLevel,
  secretsKey,
  streamReplicas,
  eventsMaxAgeMs,
  deliveriesMaxAgeMs,
  maxEventBytes: setting('MAX_EVENT_BYTES', int({ default: 262144, min: 1024 })),
  deliveryTimeoutMs: setting('DELIVERY_TIMEOUT_MS', int({ default: 15000, min: 100, max: 300_000 })),
  retryScheduleMs: setting(
    'DELIVERY_RETRY_SCHEDULE',
    str({ default: '5s,5m,30m,2h,5h,10h,10h' }),
    parseSchedule,
  ),
  disableAfterMs: setting('DELIVERY_DISABLE_AFTER', duration({ default: '5d' })),
  allow: setting('DELIVERY_ALLOWED_TARGETS', list({ default: [] }), (targets) =>
    parseAllowedTargets(targets.join(',')),
  ),
  allowHttp: setting('DELIVERY_ALLOW_HTTP', bool({ default: false })),
  deliveryConcurrency: setting('DELIVERY_CONCURRENCY', int({ default: 256, min: 1, max: 10_000 })),
  endpointConcurrency: setting('DELIVERY_ENDPOINT_CONCURRENCY', int({ default: 32, min: 1, max: 1_000 })),
  circuitThreshold: setting('DELIVERY_CIRCUIT_THRESHOLD', int({ default: 10, min: 1, max: 10_000 })),
  circuitProbeBaseMs: setting('DELIVERY_CIRCUIT_PROBE_BASE', duration({ default: '5s' })),
  circuitProbeMaxMs: setting('DELIVERY_CIRCUIT_PROBE_MAX', duration({ default: '5m' })),
  fastPath: setting('DELIVERY_FAST_PATH', bool({ default: true })),
  retriesMaxPending: setting(
    'DELIVERY_RETRIES_MAX_PENDING',
    int({ default: 200_000, min: 1_000, max: 10_000_000 }),
  ),
  shutdownGraceMs,
} satisfies SettingsSpec<DispatcherConfig>;

/** Reads and validates the configuration once at boot; a wrong variable stops the process naming it. */
export function readDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  const config = readSettings<DispatcherConfig>(dispatcherSettings, withReplicasAlias(env));
  // The probe's back-off never ends below where it starts.
  return { ...config, circuitProbeMaxMs: Math.max(config.circuitProbeMaxMs, config.circuitProbeBaseMs) };
}
