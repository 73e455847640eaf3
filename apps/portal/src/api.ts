/** The portal's calls: the session token as bearer, the API's error body turned into ApiError. */
export interface FieldProblem {
  field: string | null;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  /** The message split per field: "url must be ...; name must be ..." names the field first. */
  problems(fields: readonly string[]): FieldProblem[] {
    return this.message.split('; ').map((part) => {
      const match = /^(?:property )?([A-Za-z][\w]*)(?:\.[\w.]+)?(?::|\s)/.exec(part);
      const field = match && fields.includes(match[1]!) ? match[1]! : null;
      return { field, message: part };
    });
  }
}

let token = '';

export function useToken(value: string): void {
  token = value;
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The service cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { type?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      res.status,
      error?.type ?? 'error',
      error?.message ?? `request failed (${res.status})`,
    );
  }
  return parsed as T;
}

export interface Session {
  organizationId: string;
  permissions: 'read' | 'manage';
  subscriptionFilter: Record<string, string>;
  theme: { title?: string; logoUrl?: string; primaryColor?: string };
  expiresAt: string;
  secretRotationGraceMs: number;
}

export interface Endpoint {
  id: string;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  disabledReason: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

export interface EventType {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  builtIn: boolean;
  example: unknown;
}

export interface Attempt {
  id: string;
  dispatchId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: 'succeeded' | 'retrying' | 'failed';
  responseStatus: number | null;
  durationMs: number;
  errorMessage: string | null;
  responseBody: string | null;
  requestBody: string | null;
  /** As sent; null when no request went out or it was recorded before headers were. */
  requestHeaders: Record<string, string> | null;
  test: boolean;
  startedAt: string;
  nextAttemptAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const enc = encodeURIComponent;

export interface HourStats {
  hour: string;
  succeeded: number;
  failed: number;
  avgMs: number | null;
  p95Ms: number | null;
}

/** One delivery outcome of the live tail (the Deliveries.Watch message). */
export interface Outcome {
  kind: 'created' | 'attempted' | 'succeeded' | 'failed';
  dispatch_id: string;
  event_type: string;
  attempt: number;
  response_status?: number;
  error_message?: string;
  occurred_at: string;
  test: boolean;
}

/**
 * Reads a server-sent event stream with fetch, because EventSource cannot send the bearer token.
 * Resolves when the stream ends or `signal` aborts it.
 */
export async function stream(
  path: string,
  signal: AbortSignal,
  onData: (data: string) => void,
): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, 'error', `live tail refused (${res.status})`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (data) onData(data);
    }
  }
}
