import type { NatsConnection } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { ConsumerLoop } from './consumer-loop';
import {
  DEFAULT_STOP_GRACE_MS,
  type ConsumerSpec,
  type ConsumerStatus,
  type RunningConsumer,
} from './consumer-types';
import { defaultLogger, type MessagingLogger } from './logger';
import { orderedStream, type OrderedStream, type OrderedStreamOptions } from './ordered-stream';
import { supportsTermReason } from './outcome';
import { TurnBatch, turnBatchOf } from './turn-batch';

export interface ConsumerRunnerOptions {
  jsm?: JetStreamManager;
  /** Read for the server version (whether +TERM may carry a reason); taken from `js` when absent. */
  nc?: NatsConnection;
  logger?: MessagingLogger;
}

interface Stoppable {
  readonly name: string;
  stop(graceMs?: number): Promise<void>;
  status(): { healthy: boolean; detail: string };
}

/**
 * Starts the consumers of a service and stops them all on shutdown, before the connection drains.
 * The messaging module provides one; it can also be built by hand around a JetStreamClient.
 */
export class ConsumerRunner {
  private readonly running = new Set<Stoppable>();
  private readonly logger: MessagingLogger;
  private jsm?: Promise<JetStreamManager>;
  private readonly turn: TurnBatch;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: ConsumerRunnerOptions = {},
  ) {
    this.logger = options.logger ?? defaultLogger('Consumer');
    if (options.jsm) this.jsm = Promise.resolve(options.jsm);
    const nc = this.connection();
    this.turn = nc ? turnBatchOf(nc) : new TurnBatch();
  }

  start(spec: ConsumerSpec): RunningConsumer {
    const loop: ConsumerLoop = new ConsumerLoop(
      {
        js: this.js,
        jsm: () => this.manager(),
        termReason: () => supportsTermReason(this.connection()?.info?.version),
        turn: this.turn,
        logger: this.logger,
        onStopped: () => this.running.delete(loop),
      },
      spec,
    );
    this.running.add(loop);
    return loop;
  }

  /** An ordered stream stopped with the others on shutdown. */
  ordered(options: Omit<OrderedStreamOptions, 'js'>): OrderedStream {
    const stream = orderedStream({ logger: this.logger, ...options, js: this.js });
    const entry: Stoppable & OrderedStream = {
      ...stream,
      name: `${options.stream}>${options.filterSubject}`,
      stop: async () => {
        await stream.stop();
        this.running.delete(entry);
      },
    };
    this.running.add(entry);
    return entry;
  }

  /** One entry per consumer and ordered stream still running. */
  statuses(): Array<{ name: string; healthy: boolean; detail: string }> {
    return [...this.running].map((c) => ({ name: c.name, ...c.status() }));
  }

  health(): { healthy: boolean; detail: string } {
    const all = this.statuses();
    const sick = all.filter((s) => !s.healthy);
    if (sick.length === 0) return { healthy: true, detail: `${all.length} consumers healthy` };
    return { healthy: false, detail: sick.map((s) => `${s.name}: ${s.detail}`).join('; ') };
  }

  async stopAll(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    await Promise.all([...this.running].map((c) => c.stop(graceMs)));
  }

  private manager(): Promise<JetStreamManager> {
    this.jsm ??= this.js.jetstreamManager(false).catch((err: unknown) => {
      this.jsm = undefined;
      throw err;
    });
    return this.jsm;
  }

  private connection(): NatsConnection | undefined {
    // The JetStream client keeps its connection as `nc`; the public type does not show it.
    return this.options.nc ?? (this.js as unknown as { nc?: NatsConnection }).nc;
  }
}

/** Starts one consumer without a runner (scripts and tests). */
export function runConsumer(
  js: JetStreamClient,
  spec: ConsumerSpec,
  options?: ConsumerRunnerOptions,
): RunningConsumer {
  return new ConsumerRunner(js, options).start(spec);
}

export type { ConsumerSpec, ConsumerStatus, RunningConsumer };
