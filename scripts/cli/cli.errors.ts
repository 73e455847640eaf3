/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, api: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports on stderr and turns into its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The API's error body, printed as is under --json. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);

export const unavailableError = (message: string): CliError => new CliError(message, EXIT.unavailable);

/** Statuses meaning "not reachable right now": the gateway's 502, a service's 503, a proxy's 504. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

interface ErrorBody {
  error?: { type?: unknown; message?: unknown };
}

/** `{"error": {type, message}}` of a failed API call, as one readable line. */
export function apiError(status: number, body: unknown, retryAfter?: string): CliError {
  const error = (body as ErrorBody | undefined)?.error;
  const type = typeof error?.type === 'string' ? error.type : `http_${status}`;
  const message =
    typeof error?.message === 'string' ? error.message : typeof body === 'string' ? body : 'no error message';
  const wait = retryAfter === undefined ? '' : ` (retry after ${retryAfter} s)`;
  const code = UNAVAILABLE_STATUSES.has(status) ? EXIT.unavailable : EXIT.api;
  return new CliError(`${status} ${type}: ${message}${wait}`, code, body);
}
