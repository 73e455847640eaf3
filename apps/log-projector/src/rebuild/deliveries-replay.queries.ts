import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { decodeDeliveryFact, STREAMS, subjects } from '@hookstream/contracts';
import { orderedStream } from '@hookstream/messaging';
import type { StreamItem } from '../tables/projection.store';

export interface ReplayOptions {
  fromSeq: number;
  /** Inclusive; messages after it are not handed over. */
  toSeq: number;
  batchSize: number;
  onBatch(items: StreamItem[]): Promise<void>;
}

export async function deliveriesLastSeq(jsm: JetStreamManager): Promise<number> {
  const info = await jsm.streams.info(STREAMS.deliveries);
  return info.state.last_seq;
}

/** Hands DELIVERIES[fromSeq..toSeq] over in batches, in order; resolves once every batch is handled. */
export async function replayDeliveries(
  js: JetStreamClient,
  jsm: JetStreamManager,
  options: ReplayOptions,
): Promise<void> {
  if (options.toSeq < options.fromSeq) return;
  const state = (await jsm.streams.info(STREAMS.deliveries)).state;
  if (state.messages === 0 || state.last_seq < options.fromSeq) return;

  let batch: StreamItem[] = [];
  let finished = false;
  let failure: Error | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stream = orderedStream({
    js,
    stream: STREAMS.deliveries,
    filterSubject: subjects.allDeliveries(),
    startSeq: options.fromSeq,
    onMessage: async (msg) => {
      if (finished) return;
      try {
        if (msg.seq <= options.toSeq) {
          batch.push({ seq: msg.seq, fact: decodeDeliveryFact(msg.data) });
          if (batch.length >= options.batchSize) {
            const full = batch;
            batch = [];
            await options.onBatch(full);
          }
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        finished = true;
      }
      // Pending 0: the messages up to toSeq that still exist have all been seen.
      if (msg.seq >= options.toSeq || msg.info.pending === 0) finished = true;
      if (finished) finish();
    },
  });
  // Resolves without any message when the range holds none (deleted or aged out).
  await Promise.race([done, stream.caughtUp.catch(() => undefined)]);
  finished = true;
  await stream.stop();
  if (failure !== undefined) throw failure;
  if (batch.length > 0) await options.onBatch(batch);
}
