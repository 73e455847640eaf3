import type { Dispatcher } from 'undici';
import { describeRequestError } from './request-error';

/** Read at most this much of a response: enough to reuse the connection after small bodies. */
export const RESPONSE_READ_LIMIT = 64 * 1024;
/** Kept on the attempt fact (ARCHITECTURE §6). */
export const RESPONSE_STORE_LIMIT = 4 * 1024;

export interface HttpRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface HttpResult {
  /** null when no complete response arrived in time. */
  status: number | null;
  retryAfter: string | null;
  /** The first 4 KiB, as text. */
  responseBody: string | null;
  error: string | null;
  /** True when the attempt was cut off by shutdown: it has no outcome and is handed back. */
  interrupted: boolean;
}

const TIMEOUT = Symbol('timeout');
const SHUTDOWN = Symbol('shutdown');

/** Sends one attempt: one deadline over connect, headers and body; bounded reading; never follows redirects. */
export class HttpSender {
  private readonly inFlight = new Set<AbortController>();

  async send(pool: Dispatcher, request: HttpRequest): Promise<HttpResult> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(TIMEOUT), request.timeoutMs);
    let status: number | null = null;
    try {
      const response = await pool.request({
        method: 'POST',
        path: request.path,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      status = response.statusCode;
      const responseBody = await readBounded(response.body);
      const retryAfter = response.headers['retry-after'];
      return {
        status,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        responseBody,
        error: null,
        interrupted: false,
      };
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      if (reason === SHUTDOWN)
        return { status: null, retryAfter: null, responseBody: null, error: null, interrupted: true };
      const message =
        reason === TIMEOUT
          ? `timed out after ${request.timeoutMs} ms${status === null ? '' : ` reading the body of an HTTP ${status} response`}`
          : describeRequestError(error);
      return { status: null, retryAfter: null, responseBody: null, error: message, interrupted: false };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  get running(): number {
    return this.inFlight.size;
  }

  /** Cuts off every running attempt (end of the shutdown grace); returns how many. */
  abortAll(): number {
    const count = this.inFlight.size;
    for (const controller of this.inFlight) controller.abort(SHUTDOWN);
    return count;
  }
}

/**
 * Reads up to RESPONSE_READ_LIMIT bytes, keeping the first RESPONSE_STORE_LIMIT. A longer body
 * is not drained: leaving the loop destroys the stream and with it the socket, so a huge or
 * endless response costs one chunk of memory and no more time.
 */
async function readBounded(body: AsyncIterable<Buffer>): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let readBytes = 0;
  for await (const chunk of body) {
    if (keptBytes < RESPONSE_STORE_LIMIT) {
      const piece = chunk.subarray(0, RESPONSE_STORE_LIMIT - keptBytes);
      kept.push(piece);
      keptBytes += piece.length;
    }
    readBytes += chunk.length;
    if (readBytes >= RESPONSE_READ_LIMIT) break;
  }
  return keptBytes === 0 ? null : Buffer.concat(kept, keptBytes).toString('utf8');
}
