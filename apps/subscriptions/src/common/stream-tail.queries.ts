import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

export interface TailOptions {
  stream: string;
  filterSubject: string;
  /** How many of the newest matching messages. */
  count: number;
  /** Gives up (throws) when reading takes longer: a request must not hang on a stalled server. */
  timeoutMs?: number;
}

const FETCH_BATCH = 256;
/** A start that leaves at most this many times `count` messages to read is close enough. */
const SLACK = 4;

/**
 * The newest `count` messages of a subject filter, oldest first. JetStream has no "last N of a
 * wildcard": the matching messages after a stream sequence are counted by a short-lived consumer
 * (its `num_pending`), a start is searched from the end (widening, then halving), and the
 * messages from there are read once and the last `count` kept. Cost: a few dozen consumer
 * creations and at most SLACK × count messages read, whatever the stream's size.
 */
export async function tailStream(
  jsm: JetStreamManager,
  js: JetStreamClient,
  options: TailOptions,
): Promise<JsMsg[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const { state } = await jsm.streams.info(options.stream);
  if (state.messages === 0 || options.count <= 0) return [];
  const last = state.last_seq;
  const pending = (from: number): Promise<number> => pendingFrom(jsm, options, from);

  // Widen from the end until enough messages follow the start (or the start is the first message).
  let step = options.count;
  let lo = Math.max(state.first_seq, last - step + 1);
  let hi = last + 1;
  let found = await pending(lo);
  while (found < options.count && lo > state.first_seq) {
    if (Date.now() > deadline) throw new Error(`tail of ${options.stream} did not finish in time`);
    hi = lo;
    step *= 4;
    lo = Math.max(state.first_seq, last - step + 1);
    found = await pending(lo);
  }
  // Narrow: the latest start that still leaves `count` after it, within SLACK × count.
  while (found > SLACK * options.count && hi - lo > 1) {
    if (Date.now() > deadline) throw new Error(`tail of ${options.stream} did not finish in time`);
    const mid = Math.floor((lo + hi) / 2);
    const atMid = await pending(mid);
    if (atMid >= options.count) [lo, found] = [mid, atMid];
    else hi = mid;
  }
  return readFrom(js, options, lo, last, deadline);
}

async function pendingFrom(jsm: JetStreamManager, options: TailOptions, from: number): Promise<number> {
  const info = await jsm.consumers.add(options.stream, {
    filter_subject: options.filterSubject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: from,
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(30_000),
  });
  await jsm.consumers.delete(options.stream, info.name).catch(() => undefined);
  return info.num_pending;
}

async function readFrom(
  js: JetStreamClient,
  options: TailOptions,
  from: number,
  last: number,
  deadline: number,
): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(options.stream, {
    filter_subjects: options.filterSubject,
    opt_start_seq: from,
  });
  const kept: JsMsg[] = [];
  try {
    let pending = (await consumer.info(true)).num_pending;
    while (pending > 0) {
      if (Date.now() > deadline) throw new Error(`tail of ${options.stream} did not finish in time`);
      const batch = await consumer.fetch({ max_messages: FETCH_BATCH, expires: 2_000 });
      for await (const msg of batch) {
        pending = msg.info.pending;
        if (msg.seq > last) return kept;
        kept.push(msg);
        if (kept.length > options.count) kept.shift();
        if (pending === 0) return kept;
      }
    }
    return kept;
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
