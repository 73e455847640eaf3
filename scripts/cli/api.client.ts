import { errors as undiciErrors, request, type Dispatcher } from 'undici';
import { apiError, unavailableError, usageError } from './cli.errors';
import type { CliSettings } from './cli.config';

export type Credential = 'api-key' | 'admin';

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Default: the API key. */
  auth?: Credential;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Network failures (no answer at all) as opposed to error answers. */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof undiciErrors.UndiciError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(E[A-Z]+|UND_ERR.*)$/.test(code);
}

function pathWithQuery(path: string, query: CallOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The public HTTP API of docs/architecture.md §5 through one address (the gateway locally). */
export class ApiClient {
  constructor(private readonly settings: CliSettings) {}

  async call<T>(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.credential(options.auth ?? 'api-key')}`,
    };
    if (options.auth !== 'admin' && this.settings.organizationId !== undefined)
      headers['x-organization-id'] = this.settings.organizationId;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.settings.apiUrl}${pathWithQuery(path, options.query)}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      const reason = (error as Error).message || (error as { code?: string }).code || 'no answer';
      throw unavailableError(
        `cannot reach Hookstream at ${this.settings.apiUrl}: ${reason} (is it running? npm run up)`,
      );
    }
    const text = await response.body.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page, say): reported as text.
    }
    if (response.statusCode >= 400) {
      const retryAfter = response.headers['retry-after'];
      throw apiError(response.statusCode, body, typeof retryAfter === 'string' ? retryAfter : undefined);
    }
    return body as T;
  }

  private credential(kind: Credential): string {
    if (kind === 'admin') {
      if (this.settings.adminToken === undefined)
        throw usageError(
          'the admin API needs the ADMIN_TOKEN of the subscriptions service: set HOOKSTREAM_ADMIN_TOKEN or pass --admin-token',
        );
      return this.settings.adminToken;
    }
    if (this.settings.apiKey === undefined)
      throw usageError('no API key: set HOOKSTREAM_API_KEY or pass --api-key (`npm run up` prints one)');
    return this.settings.apiKey;
  }
}
