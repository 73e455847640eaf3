import { Injectable } from '@nestjs/common';
import { Metrics } from '@hookstream/platform';
import type { RejectionReason } from './event.ingest';

/** The ingest series on /metrics: what POST /events and Events.Publish accepted and refused. */
@Injectable()
export class EventsMetrics {
  private readonly ingested;
  private readonly rejected;

  constructor(metrics: Metrics) {
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

  accepted(type: string, duplicate: boolean): void {
    this.ingested.inc({ type, duplicate: String(duplicate) });
  }

  refused(reason: RejectionReason): void {
    this.rejected.inc({ reason });
  }
}
