import { ConfigError } from '@hookstream/platform';

/**
 * JETSTREAM_REPLICAS, with STREAM_REPLICAS (its former name, still in deployed manifests) read
 * when it is unset. Both set to different values is a mistake that would provision streams with
 * whichever a reader guessed: it stops the service.
 */
export function withReplicasAlias(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const current = env.JETSTREAM_REPLICAS?.trim() ?? '';
  const former = env.STREAM_REPLICAS?.trim() ?? '';
  if (former === '') return env;
  if (current === '') return { ...env, JETSTREAM_REPLICAS: former };
  if (current === former) return env;
  throw new ConfigError([
    `JETSTREAM_REPLICAS (${current}) and STREAM_REPLICAS (${former}, its former name) disagree: set only JETSTREAM_REPLICAS`,
  ]);
}
