import { ClosedConnectionError } from '@nats-io/nats-core';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { backoffMs, sleep } from './backoff';
import { handBack, handleMessage, type HandlingDeps } from './consumer-handling';
import {
  DEFAULT_STOP_GRACE_MS,
  type ConsumerSpec,
  type ConsumerStatus,
  type RunningConsumer,
  YOUNG_HANDLER_MS,
} from './consumer-types';
import { consumerSignal } from './consumer-signals';
import { ensureDurableConsumer } from './durable-consumer';
import { FairQueue, takeFairly } from './fair-queue';
import { HandlerSlots } from './handler-slots';
import { KeepAlives } from './keep-alives';
import { errorMessage, type MessagingLogger } from './logger';
import type { TurnBatch } from './turn-batch';
import { TurnSlice, yieldTurn } from './turn-slice';
import { YoungHandlers } from './young-handlers';

export interface ConsumerLoopDeps {
  js: JetStreamClient;
  jsm: () => Promise<JetStreamManager>;
  termReason: () => boolean;
  turn: TurnBatch;
  logger: MessagingLogger;
  onStopped?: () => void;
}

/** Handlers started in one turn of the event loop before the pump lets I/O in (TurnSlice). */
const START_SLICE_MS = 4;
/** How often messages waiting in the look-ahead are looked at for a keep-alive. */
const KEEP_ALIVE_TICK_MS = 50;
type State = 'starting' | 'consuming' | 'recovering' | 'stopping' | 'stopped';

/** One durable pull consumer: creates it, pulls with bounded concurrency, recovers, stops gracefully. */
export class ConsumerLoop implements RunningConsumer {
  readonly name: string;
  readonly started: Promise<void>;
  private markStarted!: () => void;
  private state: State = 'starting';
  private detail = 'starting';
  private heartbeatsMissed = 0;
  private lastMessageAt?: Date;
  private messages?: ConsumerMessages;
  private readonly slots: HandlerSlots;
  private readonly handling: HandlingDeps;
  private readonly abort = new AbortController();
  private readonly logger: MessagingLogger;
  private readonly loopDone: Promise<void>;
  private stopping?: Promise<void>;

  constructor(
    private readonly deps: ConsumerLoopDeps,
    private readonly spec: ConsumerSpec,
  ) {
    this.name = `${spec.stream}/${spec.durable}`;
    this.logger = spec.logger ?? deps.logger;
    this.slots = new HandlerSlots(spec.concurrency, Math.max(10, Math.floor(spec.ackWaitMs / 3)));
    this.handling = {
      name: this.name,
      spec,
      slots: this.slots,
      termReason: deps.termReason,
      turn: deps.turn,
      logger: this.logger,
    };
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.loopDone = this.run();
  }

  status(): ConsumerStatus {
    const healthy = this.state === 'consuming' && this.heartbeatsMissed === 0;
    return {
      healthy,
      detail: this.detail,
      inFlight: this.slots.inFlight,
      heartbeatsMissed: this.heartbeatsMissed,
      lastMessageAt: this.lastMessageAt,
    };
  }

  stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.enter('stopping', 'stopping');
    this.abort.abort();
    this.slots.close();
    // Stops pulling; messages already buffered are handed back by pump() as it drains the iterator.
    void this.messages?.close();
    const unfinished = await this.slots.drain(graceMs);
    for (const entry of unfinished) {
      entry.abandoned = true;
      handBack(entry.msg);
    }
    if (unfinished.length > 0) {
      this.logger.warn(
        { consumer: this.name, handlers: unfinished.length, graceMs },
        'handlers still running at the end of the grace; handed back',
      );
    }
    const bound = new AbortController();
    await Promise.race([this.loopDone, sleep(Math.max(1_000, graceMs), bound.signal)]);
    bound.abort();
    this.slots.dispose();
    this.enter('stopped', 'stopped');
    this.deps.onStopped?.();
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.abort.signal.aborted;) {
      try {
        const info = await ensureDurableConsumer(await this.deps.jsm(), this.spec, this.logger);
        if (this.abort.signal.aborted) break;
        const consumer = this.deps.js.consumers.getConsumerFromInfo(info);
        const buffered =
          this.spec.maxBuffered ??
          (this.spec.fairness
            ? Math.min(this.spec.fairness.lookAhead, 256)
            : Math.min(Math.ceil(this.spec.concurrency / 2), 128));
        const messages = await consumer.consume({ max_messages: Math.max(1, buffered) });
        this.messages = messages;
        if (this.abort.signal.aborted) void messages.close();
        void this.watch(messages);
        this.enter('consuming', this.consumingDetail());
        this.markStarted();
        failures = 0;
        await (this.spec.fairness ? this.pumpFairly(messages, this.spec.fairness) : this.pump(messages));
      } catch (err) {
        if (err instanceof ClosedConnectionError) {
          this.enter('stopped', 'connection closed');
          return;
        }
        failures++;
        this.enter('recovering', errorMessage(err));
        this.logger.warn({ consumer: this.name, err }, 'consumer failed; retrying');
      }
      if (!this.abort.signal.aborted) await sleep(backoffMs(failures, 250, 5_000), this.abort.signal);
    }
  }

  /** Takes a message only once a handler slot is free, so at most `concurrency` run at once. */
  private async pump(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    for (;;) {
      const slot = await this.slots.acquire();
      const next = await iterator.next();
      if (next.done) {
        if (slot) this.slots.release();
        return;
      }
      const msg = next.value;
      this.lastMessageAt = new Date();
      this.alive(messages);
      if (!slot || messages !== this.messages) {
        // Stopping or recreating: give it straight back so another replica takes it now.
        if (slot) this.slots.release();
        handBack(msg);
        continue;
      }
      void handleMessage(this.handling, msg);
    }
  }

  /** Pulls up to `lookAhead` messages ahead and starts them, as slots free, by key in turn. */
  private async pumpFairly(
    messages: ConsumerMessages,
    fairness: NonNullable<ConsumerSpec['fairness']>,
  ): Promise<void> {
    const ahead = new FairQueue<JsMsg>();
    const maxBytes = fairness.lookAheadBytes ?? Number.POSITIVE_INFINITY;
    let bytes = 0;
    const full = (): boolean => ahead.size >= fairness.lookAhead || bytes >= maxBytes;
    // Messages waiting in the look-ahead are kept alive like running ones, a few at every tick.
    const waiting = new KeepAlives<JsMsg>(Math.max(10, Math.floor(this.spec.ackWaitMs / 3)));
    const keepAlive = setInterval(
      () =>
        waiting.touchDue((msg) => {
          try {
            msg.working();
          } catch {
            // Connection closed: the message is redelivered after ack wait, the best left to do.
          }
        }, waiting.budget(KEEP_ALIVE_TICK_MS)),
      KEEP_ALIVE_TICK_MS,
    );
    keepAlive.unref();
    let pulled = false;
    let wakeStarter: (() => void) | undefined;
    let wakePuller: (() => void) | undefined;
    const perKey = fairness.perKey ?? Number.POSITIVE_INFINITY;
    const young = new YoungHandlers(YOUNG_HANDLER_MS);
    let recheck: NodeJS.Timeout | undefined;
    const slice = new TurnSlice(START_SLICE_MS);
    const starter = (async () => {
      for (;;) {
        const slot = await this.slots.acquire();
        // Starting handlers is synchronous work (decode, validate, render) in one turn of the
        // event loop: yield now and then, so that sockets are read and other work goes on.
        if (slice.overdue()) await yieldTurn();
        let next: { key: string; item: JsMsg } | undefined;
        for (;;) {
          next = takeFairly(ahead, (key) => young.count(key), perKey, pulled || full());
          if (next || (ahead.size === 0 && pulled)) break;
          // Only keys at their share wait: their handlers age out of it even if none finishes.
          if (ahead.size > 0 && recheck === undefined) {
            recheck = setTimeout(() => {
              recheck = undefined;
              wakeStarter?.();
            }, YOUNG_HANDLER_MS);
            recheck.unref();
          }
          // A new message, a finished handler or the recheck wakes this.
          await new Promise<void>((resolve) => (wakeStarter = resolve));
        }
        wakeStarter = undefined;
        const msg = next?.item;
        if (msg) {
          bytes -= msg.data.length;
          waiting.delete(msg);
        }
        wakePuller?.();
        if (!next || !msg) {
          if (slot) this.slots.release();
          return;
        }
        if (!slot || messages !== this.messages) {
          if (slot) this.slots.release();
          handBack(msg);
          continue;
        }
        const key = next.key;
        const started = young.start(key);
        void handleMessage(this.handling, msg).finally(() => {
          young.finish(key, started);
          wakeStarter?.();
        });
      }
    })();
    try {
      for await (const msg of messages) {
        this.lastMessageAt = new Date();
        this.alive(messages);
        ahead.push(fairness.key(msg.subject), msg);
        waiting.add(msg);
        bytes += msg.data.length;
        wakeStarter?.();
        while (full()) await new Promise<void>((resolve) => (wakePuller = resolve));
      }
    } finally {
      // What was pulled ahead is still started (or handed back when stopping) before this returns.
      pulled = true;
      wakeStarter?.();
      await starter;
      clearInterval(keepAlive);
      clearTimeout(recheck);
    }
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const event of messages.status()) {
      const signal = consumerSignal(event);
      switch (signal.kind) {
        case 'alive':
          this.alive(messages);
          break;
        case 'heartbeats-missed':
          this.heartbeatsMissed = signal.count;
          this.logger.warn({ consumer: this.name, count: signal.count }, 'heartbeats missed');
          break;
        case 'consumer-gone':
          this.logger.warn({ consumer: this.name, detail: signal.detail }, 'consumer gone; recreating it');
          this.restart(messages, `recreating: ${signal.detail}`);
          break;
        case 'stream-missing':
          this.enter('recovering', signal.detail);
          this.logger.error({ consumer: this.name, detail: signal.detail }, 'stream missing');
          break;
        case 'warning':
          this.logger.warn({ consumer: this.name, detail: signal.detail }, 'consumer warning');
          break;
        case 'none':
          break;
      }
    }
  }

  private alive(messages: ConsumerMessages): void {
    this.heartbeatsMissed = 0;
    if (this.state === 'recovering' && messages === this.messages)
      this.enter('consuming', this.consumingDetail());
  }

  private consumingDetail(): string {
    return `consuming ${this.spec.filterSubject}`;
  }

  private restart(messages: ConsumerMessages, why: string): void {
    if (messages !== this.messages || this.abort.signal.aborted) return;
    this.messages = undefined;
    this.enter('recovering', why);
    void messages.close();
  }

  private enter(state: State, detail: string): void {
    this.state = state;
    this.detail = detail;
  }
}
