import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './openapi';

export type { components, operations, paths } from './openapi';

/** The error body of every failure: `{"error": {"type", "message", "fields"?}}`. */
export type ApiError = components['schemas']['Error'];
export type HookstreamClient = Client<paths>;

export interface HookstreamClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The API address: the local stack's `http://127.0.0.1:8080`, or your Ingress. */
  baseUrl: string;
  /** An API key (`hs_live_...`), or the ADMIN_TOKEN for the /admin routes. */
  apiKey: string;
  /** X-Organization-Id: another organization of the key than its default one. */
  organizationId?: string;
}

/**
 * A client typed from docs/openapi.json: paths, parameters, bodies and error bodies are checked
 * at compile time (`const { data, error } = await client.POST('/webhooks', { body })`).
 */
export function createHookstreamClient(options: HookstreamClientOptions): HookstreamClient {
  const { apiKey, organizationId, headers, ...rest } = options;
  return createClient<paths>({
    ...rest,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(organizationId === undefined ? {} : { 'x-organization-id': organizationId }),
      ...(headers as Record<string, string> | undefined),
    },
  });
}
