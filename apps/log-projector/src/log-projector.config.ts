import { withReplicasAlias } from '@hookstream/messaging';
import { int, readSettings, serviceSettings, setting } from '@hookstream/platform';

/** Every setting the log-projector reads (docs/architecture.md §9 names plus its own). */
export const logProjectorSettings = {
  natsUrl: serviceSettings.natsUrl,
  databaseUrl: serviceSettings.databaseUrl,
  httpPort: serviceSettings.httpPort(8083),
  grpcPort: serviceSettings.grpcPort(50053),
  listenHost: serviceSettings.listenHost,
  logLevel: serviceSettings.logLevel,
  streamReplicas: serviceSettings.streamReplicas,
  eventsMaxAgeMs: serviceSettings.eventsMaxAgeMs,
  deliveriesMaxAgeMs: serviceSettings.deliveriesMaxAgeMs,
  shutdownGraceMs: serviceSettings.shutdownGraceMs,
  /** A batch is written when it holds this many facts ... */
  batchSize: setting('PROJECTOR_BATCH_SIZE', int({ default: 500, min: 1, max: 10_000 })),
  /** ... or when its first fact has waited this long, whichever comes first. */
  batchMs: setting('PROJECTOR_BATCH_MS', int({ default: 20, min: 0, max: 10_000 })),
  /** The same key as the subscriptions service's: portal sessions read logs and retry here. */
  portalSigningKey: serviceSettings.portalSigningKey,
};

export type LogProjectorConfig = ReturnType<typeof readLogProjectorConfig>;

export function readLogProjectorConfig(env: NodeJS.ProcessEnv = process.env) {
  return readSettings(logProjectorSettings, withReplicasAlias(env));
}
