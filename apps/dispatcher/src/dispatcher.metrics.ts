import { Injectable } from '@nestjs/common';
import { Metrics } from '@hookstream/platform';

export type AttemptOutcomeLabel = 'succeeded' | 'retrying' | 'failed';

/** 2xx, 3xx, 4xx, 5xx or none (no response): bounded label values whatever endpoints answer. */
export function statusClass(status: number | null): string {
  if (status === null || status < 100 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx`;
}

/** The dispatcher's own series on /metrics. */
@Injectable()
export class DispatcherMetrics {
  readonly dispatchesCreated;
  readonly dispatchesFiltered;
  readonly attempts;
  readonly attemptDuration;
  readonly deliveryLatency;
  readonly factStore;
  readonly retriesPending;
  readonly subscriptionsDisabled;
  readonly eventsRejected;
  readonly endpointSaturated;
  readonly abandoned;
  readonly consumerPending;
  readonly consumerAckPending;
  readonly consumerRedelivered;
  readonly parked;
  readonly firstAttempts;
  readonly handOffsHeld;
  readonly circuitTransitions;
  readonly circuitsOpen;
  readonly parkedQueues;
  readonly throttled;
  readonly rateCuts;

  constructor(metrics: Metrics) {
    this.throttled = metrics.counter<'path'>({
      name: 'hookstream_delivery_throttled_total',
      help: "Deliveries that waited for their endpoint's rate: handed off by the fan-out, parked, or put back on their queue",
      labelNames: ['path'],
    });
    this.rateCuts = metrics.counter({
      name: 'hookstream_delivery_rate_cuts_total',
      help: "Endpoints' rates halved after a 429 or 503 answer",
    });
    this.dispatchesCreated = metrics.counter({
      name: 'hookstream_dispatches_created_total',
      help: 'Dispatches created by the fan-out (one per event and matching subscription)',
    });
    this.dispatchesFiltered = metrics.counter({
      name: 'hookstream_dispatches_filtered_total',
      help: "Dispatches not created because the subscription's payload filter left the event out",
    });
    this.attempts = metrics.counter<'outcome' | 'status_class'>({
      name: 'hookstream_delivery_attempts_total',
      help: 'HTTP delivery attempts by outcome and response status class',
      labelNames: ['outcome', 'status_class'],
    });
    this.attemptDuration = metrics.histogram<'status_class'>({
      name: 'hookstream_delivery_attempt_duration_seconds',
      help: 'Duration of one HTTP delivery attempt, connect to last body byte read',
      labelNames: ['status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    });
    this.deliveryLatency = metrics.histogram({
      name: 'hookstream_delivery_latency_seconds',
      help: 'From the event stored on EVENTS to the 2xx response of its dispatch',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400],
    });
    this.factStore = metrics.histogram({
      name: 'hookstream_delivery_fact_store_seconds',
      help: "From an attempt's outcome fact handed to NATS to DELIVERIES acknowledging it stored",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.retriesPending = metrics.gauge({
      name: 'hookstream_delivery_retries_pending',
      help: 'Failed attempts waiting for their next attempt (retries consumer pending and ack-pending)',
    });
    this.subscriptionsDisabled = metrics.counter<'reason'>({
      name: 'hookstream_subscriptions_disabled_total',
      help: 'Subscriptions disabled by the dispatcher',
      labelNames: ['reason'],
    });
    this.eventsRejected = metrics.counter<'reason'>({
      name: 'hookstream_events_rejected_total',
      help: 'Events terminated by the fan-out without delivery, by reason',
      labelNames: ['reason'],
    });
    this.endpointSaturated = metrics.counter({
      name: 'hookstream_delivery_endpoint_saturated_total',
      help: 'Attempts parked because their endpoint had its requests in flight and its waiting room full',
    });
    this.abandoned = metrics.counter<'reason'>({
      name: 'hookstream_dispatches_abandoned_total',
      help: 'Dispatch rounds ended without an attempt (subscription deleted or disabled)',
      labelNames: ['reason'],
    });
    this.firstAttempts = metrics.counter<'path'>({
      name: 'hookstream_delivery_first_attempts_total',
      help: 'First attempts of dispatches from events: made at fan-out, or handed off to the attempt path',
      labelNames: ['path'],
    });
    this.handOffsHeld = metrics.counter({
      name: 'hookstream_delivery_hand_offs_held_total',
      help: 'Hand-offs the fan-out held back for a moment because their endpoint could not take them',
    });
    this.parked = metrics.counter<'reason'>({
      name: 'hookstream_delivery_parked_total',
      help: "Attempts set aside on their endpoint's own queue, by reason (circuit_open, backlog, saturated, retry_share)",
      labelNames: ['reason'],
    });
    this.circuitTransitions = metrics.counter<'state'>({
      name: 'hookstream_delivery_circuit_transitions_total',
      help: 'Endpoint circuits that opened or closed, as seen by this replica',
      labelNames: ['state'],
    });
    this.circuitsOpen = metrics.gauge({
      name: 'hookstream_delivery_circuits_open',
      help: 'Endpoints whose circuit is open: their dispatches are parked and probed on a back-off',
    });
    this.parkedQueues = metrics.gauge({
      name: 'hookstream_delivery_parked_queues',
      help: 'Subscriptions with a parked backlog that this replica drains',
    });
    this.consumerPending = metrics.gauge<'consumer'>({
      name: 'hookstream_consumer_pending',
      help: 'Messages of the stream not yet delivered to the durable consumer (num_pending)',
      labelNames: ['consumer'],
    });
    this.consumerAckPending = metrics.gauge<'consumer'>({
      name: 'hookstream_consumer_ack_pending',
      help: 'Messages delivered to the durable consumer and not yet acknowledged (num_ack_pending)',
      labelNames: ['consumer'],
    });
    this.consumerRedelivered = metrics.gauge<'consumer'>({
      name: 'hookstream_consumer_redelivered',
      help: 'Unacknowledged messages of the durable consumer delivered more than once (num_redelivered)',
      labelNames: ['consumer'],
    });
  }
}
