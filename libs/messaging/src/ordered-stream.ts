import { ClosedConnectionError, type NatsConnection } from '@nats-io/nats-core';
import {
  DeliverPolicy,
  jetstream,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { backoffMs, sleep } from './backoff';
import { defaultLogger, errorMessage, type MessagingLogger } from './logger';
import { SilenceWatchdog } from './silence-watchdog';

export type OrderedDeliverPolicy = 'all' | 'last_per_subject' | 'new' | 'start_sequence' | 'start_time';

export interface OrderedStreamOptions {
  js: JetStreamClient;
  stream: string;
  filterSubject: string;
  /** With deliverPolicy start_sequence (implied when given alone). */
  startSeq?: number;
  deliverPolicy?: OrderedDeliverPolicy;
  /** With deliverPolicy start_time (implied when given alone). */
  startTime?: Date;
  /** Called one message at a time, in stream order. A throw is retried (same message) until it passes. */
  onMessage(msg: JsMsg): void | Promise<void>;
  logger?: MessagingLogger;
}

export interface OrderedStreamStatus {
  healthy: boolean;
  detail: string;
  /** Stream sequence of the last message handled. */
  lastSeq: number;
  caughtUp: boolean;
  heartbeatsMissed: number;
}

export interface OrderedStream {
  stop(): Promise<void>;
  /** Resolves once the messages present at start have been handled; rejects if stopped before. */
  caughtUp: Promise<void>;
  status(): OrderedStreamStatus;
}

/**
 * The server's heartbeat on an idle pull; nats.js's default is 15 s. The ordered consumer is R1 on
 * one node: when that node dies only silence tells, and nats.js on its own then waits for an info
 * answer that never comes (over a minute in the cluster test). Silence for two and a half
 * heartbeats recreates the consumer on a live node. The cost: one small status message per 2 s per
 * idle ordered stream; the pull requests stay one per 30 s.
 */
export const ORDERED_IDLE_HEARTBEAT_MS = 2_000;
const ORDERED_STALL_MS = 5_000;
/**
 * For this stream's own JetStream requests (stream info and consumer create on each (re)start;
 * milliseconds when the cluster is whole). While a lost node's streams elect new leaders (4-9 s
 * in raft) those requests go unanswered: retrying after 2 s finds the new leader sooner than one
 * 5 s wait (the client's default).
 */
const ORDERED_API_TIMEOUT_MS = 2_000;

const POLICIES: Record<OrderedDeliverPolicy, DeliverPolicy> = {
  all: DeliverPolicy.All,
  last_per_subject: DeliverPolicy.LastPerSubject,
  new: DeliverPolicy.New,
  start_sequence: DeliverPolicy.StartSequence,
  start_time: DeliverPolicy.StartTime,
};

/** Where to (re)start: the requested position first, then just after the last message handled. */
export function orderedConsumerOptions(
  options: Pick<OrderedStreamOptions, 'filterSubject' | 'startSeq' | 'deliverPolicy' | 'startTime'>,
  lastSeq: number,
): Partial<OrderedConsumerOptions> {
  const base = { filter_subjects: options.filterSubject };
  if (lastSeq > 0)
    return { ...base, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 };
  const policy =
    options.deliverPolicy ??
    (options.startSeq !== undefined ? 'start_sequence' : options.startTime ? 'start_time' : 'all');
  if (policy === 'start_sequence') {
    return {
      ...base,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, options.startSeq ?? 1),
    };
  }
  if (policy === 'start_time') {
    if (!options.startTime) throw new Error('deliverPolicy start_time needs startTime');
    return {
      ...base,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: options.startTime.toISOString(),
    };
  }
  return { ...base, deliver_policy: POLICIES[policy] };
}

/**
 * Reads a stream in order through an ordered consumer (no acks, recreated by the client after
 * gaps and server restarts, and here when the server falls silent: its node was lost). Used for
 * state that is rebuilt by replaying: the routing table, the circuits, the projections.
 */
export function orderedStream(options: OrderedStreamOptions): OrderedStream {
  const logger = options.logger ?? defaultLogger('OrderedStream');
  const name = `${options.stream}>${options.filterSubject}`;
  const abort = new AbortController();
  let messages: ConsumerMessages | undefined;
  let lastSeq = 0;
  let isCaughtUp = false;
  let heartbeatsMissed = 0;
  let detail = 'starting';
  let consuming = false;
  /** Why the current consumer is being replaced; the loop makes a new one after the message in hand. */
  let recreating: string | undefined;
  const watchdog = new SilenceWatchdog(ORDERED_STALL_MS, Date.now());
  let markCaughtUp!: () => void;
  let failCaughtUp!: (err: Error) => void;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = () => {
      isCaughtUp = true;
      resolve();
    };
    failCaughtUp = reject;
  });
  caughtUp.catch(() => undefined);

  const handle = async (msg: JsMsg): Promise<void> => {
    watchdog.handling(true, Date.now());
    try {
      await handleOnce(msg);
    } finally {
      watchdog.handling(false, Date.now());
    }
  };

  const handleOnce = async (msg: JsMsg): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await options.onMessage(msg);
        break;
      } catch (err) {
        // Order matters more than progress here: the same message again, never the next one.
        logger.error({ stream: name, seq: msg.seq, attempt: attempt + 1, err }, 'handler failed');
        await sleep(backoffMs(attempt, 250, 5_000), abort.signal);
        if (abort.signal.aborted) return;
      }
    }
    lastSeq = msg.seq;
    if (!isCaughtUp && msg.info.pending === 0) markCaughtUp();
  };

  const recreate = (current: ConsumerMessages, why: string): void => {
    if (current !== messages || !consuming || recreating !== undefined || abort.signal.aborted) return;
    recreating = why;
    logger.warn({ stream: name, reason: why, fromSeq: lastSeq + 1 }, 'recreating the ordered consumer');
    void current.close();
  };

  const watch = async (current: ConsumerMessages): Promise<void> => {
    for await (const event of current.status()) {
      if (current === messages) watchdog.heard(Date.now());
      if (event.type === 'heartbeat') heartbeatsMissed = 0;
      if (event.type === 'heartbeats_missed') heartbeatsMissed = event.count;
      if (event.type === 'ordered_consumer_recreated')
        logger.info({ stream: name, fromSeq: lastSeq + 1 }, 'ordered consumer recreated');
    }
  };

  // The JetStream client keeps its connection as `nc`; the public type does not show it.
  const connection = (options.js as unknown as { nc?: NatsConnection }).nc;
  const js = connection
    ? jetstream(connection, { ...options.js.getOptions(), timeout: ORDERED_API_TIMEOUT_MS })
    : options.js;
  const connectionEvents = connection?.status();
  void (async () => {
    for await (const event of connectionEvents ?? []) {
      if (event.type === 'disconnect') watchdog.disconnected();
      if (event.type === 'reconnect') watchdog.reconnected(Date.now());
    }
  })();
  const ticker = setInterval(() => {
    if (messages && watchdog.stalled(Date.now()))
      recreate(messages, `nothing from the server for ${ORDERED_STALL_MS / 1_000} s`);
  }, ORDERED_IDLE_HEARTBEAT_MS / 2);
  ticker.unref();

  const run = async (): Promise<void> => {
    for (let failures = 0; !abort.signal.aborted;) {
      try {
        const consumer = await js.consumers.get(options.stream, orderedConsumerOptions(options, lastSeq));
        if (lastSeq === 0 && (await consumer.info(true)).num_pending === 0) markCaughtUp();
        const current = await consumer.consume({
          max_messages: 256,
          idle_heartbeat: ORDERED_IDLE_HEARTBEAT_MS,
        });
        messages = current;
        recreating = undefined;
        heartbeatsMissed = 0;
        watchdog.heard(Date.now());
        void watch(current);
        if (abort.signal.aborted) break;
        consuming = true;
        detail = `reading ${options.filterSubject}`;
        failures = 0;
        for await (const msg of current) {
          heartbeatsMissed = 0;
          await handle(msg);
          if (abort.signal.aborted || recreating !== undefined) break;
        }
        if (recreating !== undefined) {
          detail = recreating;
          // Best effort: the old consumer may sit on the lost node; the server drops it when idle.
          void consumer.delete().catch(() => undefined);
        }
      } catch (err) {
        if (err instanceof ClosedConnectionError) break;
        failures++;
        detail = errorMessage(err);
        logger.warn({ stream: name, err }, 'ordered consumer failed; retrying');
      }
      consuming = false;
      if (!abort.signal.aborted) await sleep(backoffMs(failures, 250, 5_000), abort.signal);
    }
    consuming = false;
    clearInterval(ticker);
    (connectionEvents as { stop?: () => void } | undefined)?.stop?.();
    if (!isCaughtUp) failCaughtUp(new Error(`${name} stopped before catching up`));
  };
  const done = run();

  return {
    caughtUp,
    status: () => ({
      healthy: consuming && heartbeatsMissed === 0,
      detail,
      lastSeq,
      caughtUp: isCaughtUp,
      heartbeatsMissed,
    }),
    stop: async () => {
      abort.abort();
      void messages?.close();
      await done;
    },
  };
}
