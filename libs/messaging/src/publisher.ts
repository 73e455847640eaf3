import {
  ClosedConnectionError,
  createInbox,
  headers as natsHeaders,
  NoRespondersError,
  RequestError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/nats-core';
import { JetStreamApiError, type ApiError, type JetStreamClient } from '@nats-io/jetstream';
import { backoffMs, sleep } from './backoff';
import { connectionOf, turnBatchOf, type TurnBatch } from './turn-batch';

/** The header JetStream deduplicates on, within the stream's duplicate window. */
const MSG_ID_HEADER = 'Nats-Msg-Id';

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

/**
 * Fails the publishes in flight when the connection comes back: the client drops what it had
 * not written yet at every reconnect, and answers to what it had written are lost with the old
 * connection. They are sent again at once, under their message ids, instead of after their timeout.
 */
export class ReconnectedError extends Error {
  constructor() {
    super('the connection to NATS was re-established; publishing again');
    this.name = 'ReconnectedError';
  }
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

/** How often acknowledgements past their deadline are failed (one timer for every publish in flight). */
const SWEEP_INTERVAL_MS = 100;

interface AwaitingAck {
  subject: string;
  deadline: number;
  resolve: (result: PublishResult) => void;
  reject: (error: unknown) => void;
}

interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: ApiError;
}

/**
 * Publishes to JetStream and waits for the stream's acknowledgement, pipelined: publishes made
 * during one turn of the event loop leave in one socket write (see TurnBatch), and their
 * acknowledgements come back on one reply subscription shared by all of them, matched by the
 * last token of the reply subject. The client's `js.publish` makes one request per message, each
 * with its own timer and an Error (with a stack trace) built even on success: 5 % of the
 * dispatcher's CPU at a few thousand facts per second. Here a publish in flight is a map entry,
 * and one timer fails those past their deadline. When the connection comes back after an outage,
 * what is in flight is sent again at once (see ReconnectedError).
 */
export class Publisher {
  private readonly deadlineMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly nc: NatsConnection;
  private readonly turn: TurnBatch;
  private readonly inbox = createInbox();
  private readonly awaiting = new Map<string, AwaitingAck>();
  private listening = false;
  private sweeper?: NodeJS.Timeout;
  private sent = 0;

  constructor(js: JetStreamClient, options: PublisherOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 30_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
    this.nc = connectionOf(js);
    this.turn = turnBatchOf(this.nc);
  }

  async publish(subject: string, payload: PublishPayload, options: PublishOptions): Promise<PublishResult> {
    if (!options.msgId) throw new Error(`publish to ${subject} without a message id`);
    const data = encodePayload(payload);
    const headers = natsHeaders();
    headers.set(MSG_ID_HEADER, options.msgId);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const deadline = Date.now() + (options.timeoutMs ?? this.deadlineMs);
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      try {
        return await this.send(
          subject,
          data,
          headers,
          Math.max(100, Math.min(this.attemptTimeoutMs, remaining)),
        );
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

  private send(
    subject: string,
    data: Uint8Array,
    headers: MsgHdrs,
    timeoutMs: number,
  ): Promise<PublishResult> {
    if (this.nc.isClosed()) return Promise.reject(new ClosedConnectionError());
    this.listen();
    const token = (++this.sent).toString(36);
    return new Promise((resolve, reject) => {
      this.awaiting.set(token, { subject, deadline: Date.now() + timeoutMs, resolve, reject });
      this.turn.add(() => {
        try {
          this.nc.publish(subject, data, { reply: `${this.inbox}.${token}`, headers });
        } catch (err) {
          this.fail(token, err);
        }
      });
    });
  }

  private listen(): void {
    if (this.listening) return;
    // Throws on a closing connection: nothing is recorded then, and the next publish tries again.
    this.nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err) this.failAll(err);
        else this.acknowledged(msg);
      },
    });
    this.listening = true;
    this.sweeper = setInterval(() => this.expire(Date.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    void this.nc.closed().then(() => {
      clearInterval(this.sweeper);
      this.failAll(new ClosedConnectionError());
    });
    void this.resendOnReconnect();
  }

  private async resendOnReconnect(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'reconnect') this.failAll(new ReconnectedError());
    }
  }

  private acknowledged(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length + 1);
    const entry = this.awaiting.get(token);
    // An answer after the deadline: the publish was already failed and retried under its message id.
    if (!entry) return;
    this.awaiting.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      entry.reject(new NoRespondersError(entry.subject));
      return;
    }
    let reply: PubAckReply;
    try {
      reply = msg.json<PubAckReply>();
    } catch (err) {
      entry.reject(err);
      return;
    }
    if (reply.error) entry.reject(new JetStreamApiError(reply.error));
    else if (!reply.stream || typeof reply.seq !== 'number')
      entry.reject(new Error(`invalid stream acknowledgement for ${entry.subject}`));
    else entry.resolve({ seq: reply.seq, duplicate: reply.duplicate === true });
  }

  private expire(now: number): void {
    for (const [token, entry] of this.awaiting) {
      if (entry.deadline > now) continue;
      this.awaiting.delete(token);
      entry.reject(new TimeoutError());
    }
  }

  private fail(token: string, error: unknown): void {
    const entry = this.awaiting.get(token);
    if (!entry) return;
    this.awaiting.delete(token);
    entry.reject(error);
  }

  private failAll(error: unknown): void {
    const entries = [...this.awaiting.values()];
    this.awaiting.clear();
    for (const entry of entries) entry.reject(error);
  }
}

/**
 * The bytes sent, encoded once for every attempt. Buffer.from rather than the client's
 * TextEncoder: for a fact of a few KiB it takes a third of the time (a pooled allocation).
 */
export function encodePayload(payload: PublishPayload): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
}

/** Errors seen while the server restarts or the connection is being re-established. */
export function isTransient(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  if (err instanceof ReconnectedError || err instanceof NoRespondersError) return true;
  if (err instanceof RequestError && err.isNoResponders()) return true;
  // Raised on "no responders": JetStream is not (yet) answering, as during a server start.
  if (err instanceof Error && err.name === 'JetStreamNotEnabled') return true;
  if (err instanceof JetStreamApiError && err.status === 503) return true;
  return false;
}
