import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { decodeDeliveryFact, STREAMS, subjects } from '@hookstream/contracts';
import {
  ConsumerRunner,
  Outcome,
  type HandlerContext,
  type HandlerOutcome,
  type RunningConsumer,
} from '@hookstream/messaging';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../dispatcher.config';
import { msUntilDue } from './attempt.outcome';
import { AttemptRunner } from './attempt.runner';

export const ATTEMPTS_DURABLE = 'dispatcher-attempts';
export const RETRIES_DURABLE = 'dispatcher-retries';

/** Runners send "still working" every third of it, so it only bounds how soon a crashed process's work moves on. */
const ACK_WAIT_MS = 30_000;

/**
 * First attempts and retries on separate durable consumers, so a dead endpoint's retries never
 * queue in front of anyone's first delivery. Messages handed back (saturated endpoint, retry not
 * yet due) stay pending on the consumer, hence pending limits far above the handler counts.
 */
@Injectable()
export class DeliveryConsumers {
  constructor(
    private readonly runner: ConsumerRunner,
    private readonly attempts: AttemptRunner,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  startAttempts(): RunningConsumer {
    return this.runner.start({
      stream: STREAMS.deliveries,
      durable: ATTEMPTS_DURABLE,
      filterSubject: subjects.deliveriesOfKind('created'),
      ackWaitMs: ACK_WAIT_MS,
      maxAckPending: 20_000,
      // Room for the requests in flight and for messages waiting on a busy endpoint's slots.
      concurrency: 2 * this.config.deliveryConcurrency,
      handler: (msg, context) => this.attempt(msg, context),
    });
  }

  startRetries(): RunningConsumer {
    return this.runner.start({
      stream: STREAMS.deliveries,
      durable: RETRIES_DURABLE,
      filterSubject: subjects.deliveriesOfKind('attempted'),
      ackWaitMs: ACK_WAIT_MS,
      // Every scheduled retry waits here until due: hours, for the default schedule.
      maxAckPending: 200_000,
      concurrency: Math.max(8, Math.ceil(this.config.deliveryConcurrency / 2)),
      handler: (msg, context) => this.retry(msg, context),
    });
  }

  private async attempt(msg: JsMsg, context: HandlerContext): Promise<HandlerOutcome> {
    const fact = decodeDeliveryFact(msg.data);
    if (fact?.type !== 'dispatch.created') return Outcome.term('not a dispatch.created fact');
    return this.attempts.run(fact.data, 1, context);
  }

  private async retry(msg: JsMsg, context: HandlerContext): Promise<HandlerOutcome> {
    const fact = decodeDeliveryFact(msg.data);
    if (fact?.type !== 'dispatch.attempted') return Outcome.term('not a dispatch.attempted fact');
    // JetStream holds the timer: a retry not yet due goes back for exactly the time left.
    const wait = msUntilDue(fact.data.attempt.nextAttemptAt, Date.now());
    if (wait > 0) return Outcome.nak(wait);
    return this.attempts.run(fact.data.dispatch, fact.data.attempt.attempt + 1, context);
  }
}
