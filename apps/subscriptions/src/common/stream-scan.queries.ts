import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';

export interface ScanOptions {
  stream: string;
  filterSubject: string;
  /** First message stored at or after this time. */
  since: Date;
  /** Stop before the first message stored at or after this time. */
  until: Date;
  /** Gives up (throws) when the scan takes longer: a request must not hang on a stalled server. */
  timeoutMs?: number;
}

const FETCH_BATCH = 256;

/**
 * Reads a time window of a stream once, in stream order, through an ordered consumer (no state
 * left on the server). Ends at `until` or at the last message stored when the scan began.
 */
export async function* scanStream(js: JetStreamClient, options: ScanOptions): AsyncGenerator<JsMsg> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const consumer = await js.consumers.get(options.stream, {
    filter_subjects: options.filterSubject,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: options.since.toISOString(),
  });
  let pending = (await consumer.info(true)).num_pending;
  while (pending > 0) {
    if (Date.now() > deadline) throw new Error(`scan of ${options.stream} did not finish in time`);
    const batch = await consumer.fetch({ max_messages: FETCH_BATCH, expires: 2_000 });
    for await (const msg of batch) {
      pending = msg.info.pending;
      if (msg.time.getTime() >= options.until.getTime()) return;
      yield msg;
      if (pending === 0) return;
    }
  }
}
