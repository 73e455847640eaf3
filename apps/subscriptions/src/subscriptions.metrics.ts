import { Injectable } from '@nestjs/common';
import { Metrics } from '@hookstream/platform';
import type { RejectionReason } from './events/event-ingest.rules';

/** The subscriptions service's own series on /metrics. */
@Injectable()
export class SubscriptionsMetrics {
  private readonly ingested;
  private readonly rejected;

  constructor(private readonly metrics: Metrics) {
    this.ingested = metrics.counter<'type' | 'duplicate'>({
      name: 'hookstream_events_ingested_total',
      help: 'Events accepted by the ingest API, by type; duplicate="true" for ids already stored',
      labelNames: ['type', 'duplicate'],
    });
    this.rejected = metrics.counter<'reason'>({
      name: 'hookstream_events_refused_total',
      help: 'Events refused by the ingest API, by reason (a refused batch counts the event at fault)',
      labelNames: ['reason'],
    });
  }

  /** An event POST /events or Events.Publish accepted. */
  accepted(type: string, duplicate: boolean): void {
    this.ingested.inc({ type, duplicate: String(duplicate) });
  }

  /** An event the ingest API refused. */
  refused(reason: RejectionReason): void {
    this.rejected.inc({ reason });
  }

  /**
   * The outbox backlog, measured by `count` at scrape time so that the gauge is right whichever
   * replica holds the relay. A failed count (Postgres unavailable: readiness reports it) keeps the
   * last value.
   */
  measureOutboxBacklog(count: () => Promise<number>): void {
    this.metrics.gauge({
      name: 'hookstream_outbox_backlog_messages',
      help: 'Subscription changes written but not yet published to SUBSCRIPTIONS',
      async collect() {
        try {
          this.set(await count());
        } catch {
          // The scrape keeps the last value.
        }
      },
    });
  }
}
