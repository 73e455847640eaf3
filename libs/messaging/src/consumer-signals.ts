import type { ConsumerNotification } from '@nats-io/jetstream';

/** What a pull consumer's status notification means for the runner. */
export type ConsumerSignal =
  | { kind: 'alive' }
  | { kind: 'heartbeats-missed'; count: number }
  | { kind: 'consumer-gone'; detail: string }
  | { kind: 'stream-missing'; detail: string }
  | { kind: 'warning'; detail: string }
  | { kind: 'none' };

export function consumerSignal(event: ConsumerNotification): ConsumerSignal {
  switch (event.type) {
    case 'heartbeat':
      return { kind: 'alive' };
    case 'heartbeats_missed':
      return { kind: 'heartbeats-missed', count: event.count };
    // The pull iterator would wait for the consumer to come back, but nobody else recreates it.
    case 'consumer_deleted':
      return { kind: 'consumer-gone', detail: `consumer deleted (${event.description})` };
    case 'consumer_not_found':
      return { kind: 'consumer-gone', detail: 'consumer not found' };
    case 'stream_not_found':
      return { kind: 'stream-missing', detail: `stream ${event.name} not found` };
    case 'exceeded_limits':
      return { kind: 'warning', detail: `pull request exceeded a limit: ${event.description}` };
    case 'no_responders':
      return { kind: 'warning', detail: 'JetStream not responding' };
    default:
      return { kind: 'none' };
  }
}
