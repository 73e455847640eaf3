import { localEnvPath, readLocalEnv } from './local-env';
import { usageError } from './cli.errors';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
export const DEFAULT_GRPC_ADDRESS = '127.0.0.1:50053';

/** Global flags; each falls back to its HOOKSTREAM_* variable. */
export interface GlobalOptions {
  apiUrl?: string;
  apiKey?: string;
  adminToken?: string;
  grpc?: string;
  org?: string;
  json?: boolean;
}

export interface CliSettings {
  apiUrl: string;
  apiKey: string | undefined;
  adminToken: string | undefined;
  /** host:port of the log-projector's gRPC server (Deliveries). */
  grpcAddress: string;
  /** Sent as X-Organization-Id; the key's default organization otherwise. */
  organizationId: string | undefined;
  json: boolean;
}

const isLoopback = (url: string): boolean => {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

/** HOOKSTREAM_LOCAL_ENV names another state file than .data/local.env (an empty one for none). */
const localFile = (env: NodeJS.ProcessEnv): string => env.HOOKSTREAM_LOCAL_ENV ?? localEnvPath();

const nonEmpty = (...values: Array<string | undefined>): string | undefined =>
  values.find((value) => value !== undefined && value.trim() !== '')?.trim();

/**
 * Flags, then environment, then (for the local stack only) the credentials `npm run up` stored in
 * .data/local.env, so that `npx hookstream` works right after `npm run up`. The stored ones are
 * never sent to another address than this machine.
 */
export function resolveSettings(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  readLocal: () => Record<string, string> = () => readLocalEnv(localFile(env)),
): CliSettings {
  const apiUrl = (nonEmpty(options.apiUrl, env.HOOKSTREAM_URL) ?? DEFAULT_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiUrl))
    throw usageError(`--api-url (HOOKSTREAM_URL) must be an http(s) URL (got "${apiUrl}")`);
  const local = isLoopback(apiUrl) ? readLocal() : {};
  return {
    apiUrl,
    apiKey: nonEmpty(options.apiKey, env.HOOKSTREAM_API_KEY, local.HOOKSTREAM_API_KEY, local.API_KEY),
    adminToken: nonEmpty(
      options.adminToken,
      env.HOOKSTREAM_ADMIN_TOKEN,
      local.HOOKSTREAM_ADMIN_TOKEN,
      local.ADMIN_TOKEN,
    ),
    grpcAddress: nonEmpty(options.grpc, env.HOOKSTREAM_GRPC) ?? DEFAULT_GRPC_ADDRESS,
    organizationId: nonEmpty(options.org, env.HOOKSTREAM_ORG),
    json: options.json === true,
  };
}

/** Environment for `projector rebuild|verify`: the log-projector's own DATABASE_URL and NATS_URL. */
export function projectorEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  readLocal: () => Record<string, string> = () => readLocalEnv(localFile(env)),
): NodeJS.ProcessEnv {
  const local = readLocal();
  // After `npm run up` without servers of one's own, the local stack's (scripts/up.ts) are the ones.
  const stackRan = Object.keys(local).length > 0;
  const localDatabase = stackRan
    ? `postgres://postgres@127.0.0.1:${env.LOCAL_POSTGRES_PORT ?? 15432}/hookstream`
    : undefined;
  const localNats = stackRan ? `nats://127.0.0.1:${env.LOCAL_NATS_PORT ?? 14222}` : undefined;
  const databaseUrl = nonEmpty(env.DATABASE_URL, local.DATABASE_URL, localDatabase);
  const natsUrl = nonEmpty(env.NATS_URL, local.NATS_URL, localNats);
  if (databaseUrl === undefined)
    throw usageError(
      'projector commands talk to Postgres and NATS directly: set DATABASE_URL and NATS_URL as the log-projector has them',
    );
  return { ...env, DATABASE_URL: databaseUrl, ...(natsUrl === undefined ? {} : { NATS_URL: natsUrl }) };
}
