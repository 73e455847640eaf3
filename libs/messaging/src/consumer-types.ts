import type { JsMsg } from '@nats-io/jetstream';
import type { DurableConsumerSpec } from './durable-consumer';
import type { MessagingLogger } from './logger';
import type { HandlerOutcome } from './outcome';

export interface HandlerContext {
  /** Tells the server the message is still being worked on (the runner also does it by itself). */
  working(): void;
  /** 1 on the first delivery. */
  deliveryCount: number;
}

export interface ConsumerSpec extends DurableConsumerSpec {
  /** Most handlers running at once in this process. */
  concurrency: number;
  /** Never throws on purpose: a throw is logged and the message offered again after a short delay. */
  handler: (msg: JsMsg, ctx: HandlerContext) => Promise<HandlerOutcome>;
  /** Called after a message was terminated (recorded as rejected, counted). */
  onTerminated?: (msg: JsMsg, reason: string) => void;
  logger?: MessagingLogger;
  /**
   * Messages pulled ahead of free slots (default half the concurrency, at most 128). They wait in
   * memory while their ack wait runs, unseen by the keep-alive: keep ackWaitMs above twice the
   * longest handler run, or a buffered message is redelivered while it waits.
   */
  maxBuffered?: number;
  /**
   * Takes messages out of stream order, fairly between keys: up to `lookAhead` messages are pulled
   * ahead of free slots, and each free slot goes to the next key in turn (FIFO within a key). So
   * one key's burst (an organization's, say) cannot hold the messages of every other key behind
   * it. The look-ahead counts against maxAckPending; a message waiting in it is kept alive
   * ("still working") like a running one, so a long look-ahead is not redelivered behind its back.
   * `lookAheadBytes` bounds the memory it holds.
   */
  fairness?: {
    key: (subject: string) => string;
    lookAhead: number;
    lookAheadBytes?: number;
    /**
     * Handlers one key may run at once while other keys wait (default: no share). A key over it
     * still starts when the look-ahead is full, so the share never stalls the pull. It keeps one
     * key's burst from crowding the event loop: each of its continuations delays everyone's.
     * A handler counts against it for its first YOUNG_HANDLER_MS only.
     */
    perKey?: number;
  };
}

/** A handler running longer than this waits on I/O: it no longer counts against its key's share. */
export const YOUNG_HANDLER_MS = 250;

export interface ConsumerStatus {
  healthy: boolean;
  detail: string;
  inFlight: number;
  heartbeatsMissed: number;
  lastMessageAt?: Date;
}

export interface RunningConsumer {
  readonly name: string;
  /** Resolves once the consumer exists and messages are being pulled. */
  readonly started: Promise<void>;
  /** Stops pulling, waits up to graceMs for running handlers, hands back the rest (nak, no delay). */
  stop(graceMs?: number): Promise<void>;
  status(): ConsumerStatus;
}

export const DEFAULT_STOP_GRACE_MS = 25_000;
