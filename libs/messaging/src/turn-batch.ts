import type { NatsConnection } from '@nats-io/nats-core';
import { errorMessage } from './logger';

/**
 * Everything handed to NATS during one turn of the event loop, sent together. The client writes
 * to its socket once per burst of synchronous commands, but publishes and acknowledgements that
 * come from many handler continuations each start a burst of their own: a socket write, a
 * system call, per command (16 % of the dispatcher's CPU in the drain profile). Deferred to the
 * end of the turn (`setImmediate`), they leave as one burst, in the order they were added.
 *
 * A send must handle its own failures; one that throws anyway is reported as a process warning
 * and does not stop the others.
 */
export class TurnBatch {
  private queue: Array<() => void> = [];
  private scheduled = false;

  constructor(
    private readonly onError: (error: unknown) => void = (error) =>
      process.emitWarning(`a batched send failed: ${errorMessage(error)}`, 'TurnBatchWarning'),
  ) {}

  add(send: () => void): void {
    this.queue.push(send);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    const queue = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const send of queue) {
      try {
        send();
      } catch (error) {
        this.onError(error);
      }
    }
  };
}

const batches = new WeakMap<NatsConnection, TurnBatch>();

/** The batch of one connection, shared by its publisher and its consumers. */
export function turnBatchOf(nc: NatsConnection): TurnBatch {
  let batch = batches.get(nc);
  if (!batch) {
    batch = new TurnBatch();
    batches.set(nc, batch);
  }
  return batch;
}

/** The connection a JetStream client was made from (kept as `nc`; the public type does not show it). */
export function connectionOf(js: unknown): NatsConnection {
  const nc = (js as { nc?: NatsConnection }).nc;
  if (!nc) throw new Error('the JetStream client does not expose its connection');
  return nc;
}
