import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import {
  decodeDeliveryFact,
  decodeOrderedEntry,
  STREAMS,
  subjects,
  type DeliveryFact,
  type Dispatch,
  type OrderedEntry,
} from '@hookstream/contracts';
import {
  ConsumerRunner,
  Outcome,
  storedMessage,
  type HandlerOutcome,
  type RunningConsumer,
} from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import type { AttemptRunner } from '../delivery/attempt-runner.service';
import { ORDERED_ACK_WAIT_MS } from './lease.policy';
import { OrderedKeys } from './ordered-keys.state';
import type { OrderingLeases } from './ordering-leases.service';

/**
 * Entries of one ordered queue held at once (the consumer's pending limit): every key with an
 * entry among them proceeds; when one key's backlog fills them all, the other keys wait behind
 * it on the stream until the key's head gets through (docs/delivery-flow.md).
 */
export const ORDERED_LOOK_AHEAD = 1_000;
/** A head that could not be sent (its endpoint saturated, its subscription not known yet) tries again after this. */
const WAIT_MS = 250;

export const orderedDurableOf = (subscriptionId: string): string => `ordered_${subscriptionId}`;

export interface OrderedQueueDeps {
  runner: ConsumerRunner;
  jsm: JetStreamManager;
  attempts: AttemptRunner;
  leases: OrderingLeases;
  logger: Logger;
}

/**
 * One subscription's ordered queue, run by the replica holding its lease. Entries come in stream
 * order into a FIFO per key; only a key's head is attempted, it waits for its retries in place
 * (unacknowledged, kept alive, where it stands saved in KV) and is acknowledged only after its
 * terminal fact is stored, and only then does the next entry of its key start.
 */
export class OrderedQueue {
  private readonly keys = new OrderedKeys();
  private readonly turns = new Map<number, () => void>();
  private readonly finished = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private loop?: RunningConsumer;

  constructor(
    private readonly deps: OrderedQueueDeps,
    readonly organizationId: string,
    readonly subscriptionId: string,
  ) {}

  /**
   * Starts over from a fresh consumer: it delivers every entry still on the stream in stream
   * order, whatever a previous owner held unacknowledged, so no later entry of a key can arrive
   * here before an earlier one.
   */
  async start(): Promise<void> {
    await this.deps.jsm.consumers
      .delete(STREAMS.ordered, orderedDurableOf(this.subscriptionId))
      .catch(() => false);
    this.loop = this.deps.runner.start({
      stream: STREAMS.ordered,
      durable: orderedDurableOf(this.subscriptionId),
      filterSubject: subjects.ordered(this.organizationId, this.subscriptionId),
      ackWaitMs: ORDERED_ACK_WAIT_MS,
      maxAckPending: ORDERED_LOOK_AHEAD,
      concurrency: ORDERED_LOOK_AHEAD,
      maxBuffered: 32,
      handler: (msg) => this.handle(msg),
      logger: this.deps.logger,
    });
    await this.loop.started;
  }

  /** Entries in hand, heads and the ones waiting behind them. */
  get held(): number {
    return this.keys.size;
  }

  async stop(graceMs: number): Promise<void> {
    this.abort.abort();
    for (const wake of this.turns.values()) wake();
    this.turns.clear();
    await this.loop?.stop(graceMs);
  }

  private async handle(msg: JsMsg): Promise<HandlerOutcome> {
    const entry = decodeOrderedEntry(msg.data);
    if (!entry) return Outcome.term('not an ordered entry');
    if (this.abort.signal.aborted) return Outcome.nak();
    const seq = msg.seq;
    if (!this.keys.add(seq, entry.key)) {
      // Redelivered while still in hand: the first delivery settles it.
      await this.finished.get(seq);
      return Outcome.ack();
    }
    let done!: () => void;
    this.finished.set(seq, new Promise<void>((resolve) => (done = resolve)));
    try {
      if (!this.keys.isHead(seq)) await new Promise<void>((resolve) => this.turns.set(seq, resolve));
      const outcome = await this.settle(entry);
      // The next entry of the key starts only once the server has this one acknowledged.
      if (outcome.kind === 'ack') await msg.ackAck().catch(() => false);
      return outcome;
    } finally {
      this.finished.delete(seq);
      done();
      const next = this.keys.finish(seq);
      if (next !== undefined) {
        this.turns.get(next)?.();
        this.turns.delete(next);
      }
    }
  }

  /** The head keeps its key until it settles: a failure here (NATS away) is tried again, in place. */
  private async settle(entry: OrderedEntry): Promise<HandlerOutcome> {
    for (let failures = 1; ; failures++) {
      if (this.abort.signal.aborted) return Outcome.nak();
      try {
        return await this.deliver(entry);
      } catch (error) {
        this.deps.logger.warn(
          { err: error, subscriptionId: this.subscriptionId, dispatchId: entry.ref.dispatchId },
          'ordered head not settled; trying again',
        );
        if (!(await this.pause(Math.min(5_000, 250 * failures)))) return Outcome.nak();
      }
    }
  }

  /** The head's attempts, from where its retries stand, until its terminal fact is stored. */
  private async deliver(entry: OrderedEntry): Promise<HandlerOutcome> {
    const { dispatchId, round } = entry.ref;
    const progress = await this.deps.leases.progressOf(dispatchId, round);
    const dispatch = await this.dispatchAt(progress?.factSeq ?? entry.factSeq, dispatchId);
    if (!dispatch) {
      await this.deps.attempts.expire(entry.ref, 'the dispatch is no longer in the delivery log');
      await this.deps.leases.clearProgress(dispatchId, round);
      return Outcome.ack();
    }
    let attempt = progress?.attempt ?? 1;
    let dueAtMs = progress ? Date.parse(progress.dueAt) : 0;
    for (;;) {
      if (!(await this.pause(dueAtMs - Date.now()))) return Outcome.nak();
      const result = await this.deps.attempts.runOrdered(dispatch, attempt);
      switch (result.kind) {
        case 'settled':
          if (attempt > 1) await this.deps.leases.clearProgress(dispatchId, round);
          return Outcome.ack();
        case 'interrupted':
          return Outcome.nak();
        case 'wait':
          dueAtMs = Date.now() + WAIT_MS;
          break;
        case 'repeated': {
          // A crashed owner made this attempt and its outcome was stored: that outcome counts.
          const stored = await this.factAt(result.factSeq);
          if (stored?.type !== 'dispatch.attempted') {
            await this.deps.leases.clearProgress(dispatchId, round);
            return Outcome.ack();
          }
          attempt = stored.data.attempt.attempt + 1;
          dueAtMs = Date.parse(stored.data.attempt.nextAttemptAt ?? new Date().toISOString());
          await this.saveProgress(entry, attempt, dueAtMs, result.factSeq);
          break;
        }
        case 'retry':
          attempt += 1;
          dueAtMs = result.dueAtMs;
          await this.saveProgress(entry, attempt, dueAtMs, result.factSeq);
          break;
      }
    }
  }

  /** false when the queue is stopping. */
  private async pause(ms: number): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    if (ms <= 0) return true;
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
      return true;
    } catch {
      return false;
    }
  }

  private saveProgress(entry: OrderedEntry, attempt: number, dueAtMs: number, factSeq: number) {
    const dueAt = new Date(dueAtMs).toISOString();
    return this.deps.leases.saveProgress(entry.ref.dispatchId, entry.ref.round, { attempt, dueAt, factSeq });
  }

  private async factAt(factSeq: number): Promise<DeliveryFact | undefined> {
    const stored = await storedMessage(this.deps.jsm, STREAMS.deliveries, { seq: factSeq });
    return stored ? decodeDeliveryFact(stored.data) : undefined;
  }

  private async dispatchAt(factSeq: number, dispatchId: string): Promise<Dispatch | null> {
    const fact = await this.factAt(factSeq);
    const dispatch =
      fact?.type === 'dispatch.created'
        ? fact.data
        : fact?.type === 'dispatch.attempted'
          ? fact.data.dispatch
          : null;
    return dispatch?.dispatchId === dispatchId ? dispatch : null;
  }
}
