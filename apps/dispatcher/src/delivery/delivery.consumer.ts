import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { decodeDeliveryFact, organizationOfSubject, STREAMS, subjects } from '@hookstream/contracts';
import {
  ConsumerRunner,
  Outcome,
  type HandlerContext,
  type HandlerOutcome,
  type RunningConsumer,
} from '@hookstream/messaging';
import type { DispatcherConfig } from '../dispatcher.config';
import { msUntilDue } from './attempt.outcome';
import { AttemptRunner, WAITING_ROOM_FACTOR } from './attempt-runner.service';
import { HeldRetries, retryShare } from './held-retries.state';
import { DISPATCHER_CONFIG } from '../dispatcher.tokens';

export const ATTEMPTS_DURABLE = 'dispatcher-attempts';
export const RETRIES_DURABLE = 'dispatcher-retries';

/** Runners send "still working" every third of it, so it only bounds how soon a crashed process's work moves on. */
const ACK_WAIT_MS = 30_000;

/**
 * First attempts and retries on separate durable consumers, so a dead endpoint's retries never
 * queue in front of anyone's first delivery. Neither holds work that waits for one endpoint: a
 * saturated or failing endpoint's dispatches are parked on its own queue (ParkedQueues), and a
 * retry waits on the shared consumer only within its subscription's share of the pending limit.
 */
@Injectable()
export class DeliveryConsumers {
  private readonly held: HeldRetries;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly attempts: AttemptRunner,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {
    this.held = new HeldRetries(retryShare(config.retriesMaxPending));
  }

  startAttempts(): RunningConsumer {
    return this.runner.start({
      stream: STREAMS.deliveries,
      durable: ATTEMPTS_DURABLE,
      filterSubject: subjects.deliveriesOfKind('created'),
      ackWaitMs: ACK_WAIT_MS,
      maxAckPending: 20_000,
      // Room for the requests in flight, the waiting room of busy endpoints, and as many again
      // as are in flight, so that a message for an idle endpoint is always taken at once.
      concurrency: (WAITING_ROOM_FACTOR + 2) * this.config.deliveryConcurrency,
      // An organization's hand-offs run a share at a time while another organization's wait.
      fairness: { key: organizationOfSubject, lookAhead: 1_024, perKey: 2 * this.config.endpointConcurrency },
      handler: (msg, context) => this.attempt(msg, context),
    });
  }

  startRetries(): RunningConsumer {
    return this.runner.start({
      stream: STREAMS.deliveries,
      durable: RETRIES_DURABLE,
      filterSubject: subjects.deliveriesOfKind('attempted'),
      ackWaitMs: ACK_WAIT_MS,
      // Scheduled retries wait here until due (hours, for the default schedule), each endpoint
      // within its share; past it they wait on the endpoint's own queue.
      maxAckPending: this.config.retriesMaxPending,
      concurrency: Math.max(8, Math.ceil(this.config.deliveryConcurrency / 2)),
      handler: (msg, context) => this.retry(msg, context),
    });
  }

  private async attempt(msg: JsMsg, context: HandlerContext): Promise<HandlerOutcome> {
    const fact = decodeDeliveryFact(msg.data);
    if (fact?.type !== 'dispatch.created') return Outcome.term('not a dispatch.created fact');
    // Its subscription's ordered queue attempts it (docs/delivery-flow.md, "Ordered delivery").
    if (fact.data.orderingKey !== undefined) return Outcome.ack();
    const created = fact.data.createdAt;
    return this.attempts.run(fact.data, 1, context, {
      factSeq: msg.seq,
      dueAt: created,
      firstDueAt: created,
    });
  }

  private async retry(msg: JsMsg, context: HandlerContext): Promise<HandlerOutcome> {
    const fact = decodeDeliveryFact(msg.data);
    if (fact?.type !== 'dispatch.attempted') return Outcome.term('not a dispatch.attempted fact');
    const { dispatch, attempt } = fact.data;
    // The head of an ordered queue waits for its retry there, in place.
    if (dispatch.orderingKey !== undefined) return Outcome.ack();
    const source = {
      factSeq: msg.seq,
      dueAt: attempt.nextAttemptAt ?? new Date().toISOString(),
      firstDueAt: dispatch.createdAt,
    };
    const next = attempt.attempt + 1;
    // JetStream holds the timer: a retry not yet due goes back for exactly the time left.
    const nowMs = Date.now();
    const wait = msUntilDue(attempt.nextAttemptAt, nowMs);
    if (wait > 0) {
      if (this.held.tryHold(dispatch.subscriptionId, msg.seq, nowMs + wait, nowMs)) return Outcome.nak(wait);
      return this.attempts.parkRetry(dispatch, next, source);
    }
    this.held.release(dispatch.subscriptionId, msg.seq);
    return this.attempts.run(dispatch, next, context, source);
  }
}
