import { ClosedConnectionError } from '@nats-io/nats-core';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { backoffMs, handlerErrorDelayMs, sleep } from './backoff';
import {
  DEFAULT_STOP_GRACE_MS,
  type ConsumerSpec,
  type ConsumerStatus,
  type RunningConsumer,
} from './consumer.types';
import { ensureDurableConsumer } from './durable-consumer';
import { HandlerSlots, type InFlight } from './handler-slots';
import { errorMessage, type MessagingLogger } from './logger';
import { Outcome, settle, type HandlerOutcome } from './outcome';

export interface ConsumerLoopDeps {
  js: JetStreamClient;
  jsm: () => Promise<JetStreamManager>;
  termReason: () => boolean;
  logger: MessagingLogger;
}

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
      this.tryNak(entry.msg);
    }
    if (unfinished.length > 0) {
      this.logger.warn(
        `${this.name}: ${unfinished.length} handlers still running after ${graceMs} ms; handed back`,
      );
    }
    const bound = new AbortController();
    await Promise.race([this.loopDone, sleep(Math.max(1_000, graceMs), bound.signal)]);
    bound.abort();
    this.slots.dispose();
    this.enter('stopped', 'stopped');
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.abort.signal.aborted;) {
      try {
        const info = await ensureDurableConsumer(await this.deps.jsm(), this.spec, this.logger);
        if (this.abort.signal.aborted) break;
        const consumer = this.deps.js.consumers.getConsumerFromInfo(info);
        const buffered = this.spec.maxBuffered ?? Math.min(Math.ceil(this.spec.concurrency / 2), 128);
        const messages = await consumer.consume({ max_messages: Math.max(1, buffered) });
        this.messages = messages;
        if (this.abort.signal.aborted) void messages.close();
        void this.watch(messages);
        this.enter('consuming', `consuming ${this.spec.filterSubject}`);
        this.markStarted();
        failures = 0;
        await this.pump(messages);
      } catch (err) {
        if (err instanceof ClosedConnectionError) {
          this.enter('stopped', 'connection closed');
          return;
        }
        failures++;
        this.enter('recovering', errorMessage(err));
        this.logger.warn(`${this.name}: ${errorMessage(err)}; retrying`);
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
      this.heartbeatsMissed = 0;
      if (!slot || messages !== this.messages) {
        // Stopping or recreating: give it straight back so another replica takes it now.
        if (slot) this.slots.release();
        this.tryNak(msg);
        continue;
      }
      void this.handle(msg);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const entry = this.slots.track(msg);
    const outcome = await this.runHandler(msg, entry);
    if (!entry.abandoned) {
      try {
        settle(msg, outcome, { termReason: this.deps.termReason() });
      } catch (err) {
        this.logger.warn(`${this.name}: could not settle seq ${msg.seq}: ${errorMessage(err)}`);
      }
      if (outcome.kind === 'term') this.terminated(msg, outcome.reason);
    }
    this.slots.finish(entry);
  }

  private async runHandler(msg: JsMsg, entry: InFlight): Promise<HandlerOutcome> {
    const deliveryCount = msg.info.deliveryCount;
    try {
      return await this.spec.handler(msg, { working: () => this.slots.touch(entry), deliveryCount });
    } catch (err) {
      const delay = handlerErrorDelayMs(deliveryCount);
      this.logger.error(
        `${this.name}: handler failed on ${msg.subject} seq ${msg.seq} (delivery ${deliveryCount}): ${errorMessage(err)}; retry in ${delay} ms`,
        err instanceof Error ? err.stack : undefined,
      );
      return Outcome.nak(delay);
    }
  }

  private terminated(msg: JsMsg, reason: string): void {
    this.logger.warn(`${this.name}: terminated ${msg.subject} seq ${msg.seq}: ${reason}`);
    try {
      this.spec.onTerminated?.(msg, reason);
    } catch (err) {
      this.logger.error(`${this.name}: onTerminated failed: ${errorMessage(err)}`);
    }
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const event of messages.status()) {
      switch (event.type) {
        case 'heartbeat':
          this.heartbeatsMissed = 0;
          break;
        case 'heartbeats_missed':
          this.heartbeatsMissed = event.count;
          this.logger.warn(`${this.name}: ${event.count} heartbeats missed`);
          break;
        case 'consumer_deleted':
        case 'consumer_not_found':
          // The pull iterator would wait for the consumer to come back; nobody else recreates it.
          this.logger.warn(`${this.name}: consumer gone (${event.type}); recreating it`);
          this.restart(messages, `recreating after ${event.type}`);
          break;
        case 'stream_not_found':
          this.enter('recovering', `stream ${this.spec.stream} not found`);
          this.logger.error(`${this.name}: stream ${this.spec.stream} not found`);
          break;
        case 'exceeded_limits':
        case 'no_responders':
          this.logger.warn(`${this.name}: ${event.type} (${event.code})`);
          break;
        default:
          break;
      }
    }
  }

  private restart(messages: ConsumerMessages, why: string): void {
    if (messages !== this.messages || this.abort.signal.aborted) return;
    this.messages = undefined;
    this.enter('recovering', why);
    void messages.close();
  }

  private tryNak(msg: JsMsg): void {
    try {
      msg.nak();
    } catch {
      // Connection closed: redelivered after ack wait.
    }
  }

  private enter(state: State, detail: string): void {
    this.state = state;
    this.detail = detail;
  }
}
