import { headers as natsHeaders, RequestError, TimeoutError, type MsgHdrs } from '@nats-io/nats-core';
import { JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { backoffMs, sleep } from './backoff';

export type PublishPayload = Uint8Array | string | object;

export interface PublishOptions {
  /** Stored as Nats-Msg-Id: a publish retried within the stream's duplicate window is stored once. */
  msgId: string;
  headers?: Record<string, string>;
  /** How long to keep retrying while NATS is unreachable or restarting (default 30 s). */
  timeoutMs?: number;
}

export interface PublishResult {
  seq: number;
  duplicate: boolean;
}

export interface PublishItem {
  subject: string;
  payload: PublishPayload;
  msgId: string;
  headers?: Record<string, string>;
}

export interface PublisherOptions {
  /** Default for PublishOptions.timeoutMs. */
  deadlineMs?: number;
  /** Longest wait for one stream acknowledgement before the publish is sent again. */
  attemptTimeoutMs?: number;
}

/** Raised by publishMany when at least one message was not stored; the others were. */
export class PublishManyError extends Error {
  constructor(
    readonly failures: Array<{ index: number; msgId: string; error: unknown }>,
    total: number,
  ) {
    const first = failures[0]?.error;
    super(
      `${failures.length} of ${total} publishes failed; first: ${first instanceof Error ? first.message : String(first)}`,
      { cause: first },
    );
    this.name = 'PublishManyError';
  }
}

/** Publishes to JetStream and waits for the stream's acknowledgement. */
export class Publisher {
  private readonly deadlineMs: number;
  private readonly attemptTimeoutMs: number;

  constructor(
    private readonly js: JetStreamClient,
    options: PublisherOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 30_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
  }

  async publish(subject: string, payload: PublishPayload, options: PublishOptions): Promise<PublishResult> {
    if (!options.msgId) throw new Error(`publish to ${subject} without a message id`);
    const data = encodePayload(payload);
    const headers = toHeaders(options.headers);
    const deadline = Date.now() + (options.timeoutMs ?? this.deadlineMs);
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      try {
        const ack = await this.js.publish(subject, data, {
          msgID: options.msgId,
          headers,
          timeout: Math.max(100, Math.min(this.attemptTimeoutMs, remaining)),
        });
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        // The same message id makes the retry safe: if the first attempt was stored, the
        // stream answers "duplicate" with the original sequence.
        const pause = backoffMs(attempt, 100, 2_000);
        if (!isTransient(err) || Date.now() + pause >= deadline) throw err;
        await sleep(pause);
      }
    }
  }

  /** All publishes in flight at once; resolves in input order, rejects after all settled if any failed. */
  async publishMany(items: PublishItem[]): Promise<PublishResult[]> {
    const settled = await Promise.allSettled(
      items.map((item) =>
        this.publish(item.subject, item.payload, { msgId: item.msgId, headers: item.headers }),
      ),
    );
    const failures = settled.flatMap((result, index) =>
      result.status === 'rejected'
        ? [{ index, msgId: items[index]!.msgId, error: result.reason as unknown }]
        : [],
    );
    if (failures.length > 0) throw new PublishManyError(failures, items.length);
    return settled.map((result) => (result as PromiseFulfilledResult<PublishResult>).value);
  }
}

export function encodePayload(payload: PublishPayload): Uint8Array | string {
  if (payload instanceof Uint8Array || typeof payload === 'string') return payload;
  return JSON.stringify(payload);
}

function toHeaders(values: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!values) return undefined;
  const h = natsHeaders();
  for (const [name, value] of Object.entries(values)) h.set(name, value);
  return h;
}

/** Errors seen while the server restarts or the connection is being re-established. */
export function isTransient(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  if (err instanceof RequestError && err.isNoResponders()) return true;
  // Raised on "no responders": JetStream is not (yet) answering, as during a server start.
  if (err instanceof Error && err.name === 'JetStreamNotEnabled') return true;
  if (err instanceof JetStreamApiError && err.status === 503) return true;
  return false;
}
