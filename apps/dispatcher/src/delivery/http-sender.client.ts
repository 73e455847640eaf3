import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { describeRequestError } from './request-error.outcome';

/** Read at most this much of a response: enough to reuse the connection after small bodies. */
export const RESPONSE_READ_LIMIT = 64 * 1024;
/** Kept on the attempt fact (docs/architecture.md §6). */
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

/** Why an attempt was cut off by us rather than ended by the endpoint or the network. */
class CutOff extends Error {
  constructor(why: 'timeout' | 'shutdown' | 'read limit') {
    super(`attempt cut off: ${why}`);
  }
}

/**
 * Sends one attempt: one deadline over connect, headers and body; bounded reading; never follows
 * redirects. Each attempt is an undici dispatch handler: no response stream, no abort signal, no
 * promise per chunk (measured: less than half the CPU per request of `pool.request`).
 */
export class HttpSender {
  private readonly inFlight = new Set<AttemptHandler>();

  send(pool: Dispatcher, request: HttpRequest): Promise<HttpResult> {
    return new Promise((resolve) => {
      const handler = new AttemptHandler(request.timeoutMs, (result) => {
        this.inFlight.delete(handler);
        resolve(result);
      });
      this.inFlight.add(handler);
      try {
        pool.dispatch(
          {
            method: 'POST',
            path: request.path,
            headers: request.headers,
            body: request.body,
            headersTimeout: request.timeoutMs,
            bodyTimeout: request.timeoutMs,
          },
          handler,
        );
      } catch (error) {
        handler.fail(error);
      }
    });
  }

  get running(): number {
    return this.inFlight.size;
  }

  /** Cuts off every running attempt (end of the shutdown grace); returns how many. */
  abortAll(): number {
    const count = this.inFlight.size;
    for (const handler of [...this.inFlight]) handler.cut('shutdown');
    return count;
  }
}

/**
 * One attempt's response, read as undici hands it over: the status, Retry-After, the first
 * RESPONSE_STORE_LIMIT bytes kept; past RESPONSE_READ_LIMIT the request is aborted, which destroys
 * the socket, so a huge or endless response costs one chunk of memory and no more time.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private readonly timer: NodeJS.Timeout;
  private status: number | null = null;
  private retryAfter: string | null = null;
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private readBytes = 0;
  private done = false;
  /** Set once we end the attempt ourselves; a request that starts afterwards is stopped at once. */
  private cutOff: CutOff | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly finish: (result: HttpResult) => void,
  ) {
    this.timer = setTimeout(() => this.cut('timeout'), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cutOff) controller.abort(this.cutOff);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.status = statusCode;
    const retryAfter = headers['retry-after'];
    this.retryAfter = typeof retryAfter === 'string' ? retryAfter : null;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.keptBytes < RESPONSE_STORE_LIMIT) {
      const piece = chunk.subarray(0, RESPONSE_STORE_LIMIT - this.keptBytes);
      this.kept.push(piece);
      this.keptBytes += piece.length;
    }
    this.readBytes += chunk.length;
    if (this.readBytes >= RESPONSE_READ_LIMIT) {
      this.answered();
      this.cutOff = new CutOff('read limit');
      this.controller?.abort(this.cutOff);
    }
  }

  onResponseEnd(): void {
    this.answered();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    this.settle({ ...NO_RESPONSE, error: describeRequestError(error) });
  }

  /** Ends the attempt on our side: its deadline passed, or the process is shutting down. */
  cut(why: 'timeout' | 'shutdown'): void {
    if (this.done) return;
    if (why === 'shutdown') this.settle({ ...NO_RESPONSE, interrupted: true });
    else {
      const reading = this.status === null ? '' : ` reading the body of an HTTP ${this.status} response`;
      this.settle({ ...NO_RESPONSE, error: `timed out after ${this.timeoutMs} ms${reading}` });
    }
    this.cutOff = new CutOff(why);
    this.controller?.abort(this.cutOff);
  }

  private answered(): void {
    const responseBody =
      this.keptBytes === 0 ? null : Buffer.concat(this.kept, this.keptBytes).toString('utf8');
    this.settle({
      status: this.status,
      retryAfter: this.retryAfter,
      responseBody,
      error: null,
      interrupted: false,
    });
  }

  private settle(result: HttpResult): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.finish(result);
  }
}

const NO_RESPONSE: HttpResult = {
  status: null,
  retryAfter: null,
  responseBody: null,
  error: null,
  interrupted: false,
};
