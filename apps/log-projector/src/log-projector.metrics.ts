import { Injectable } from '@nestjs/common';
import { Metrics } from '@hookstream/platform';

/** The log-projector's own series on /metrics. */
@Injectable()
export class LogProjectorMetrics {
  readonly lag;
  readonly checkpoint;
  readonly facts;
  readonly batchSeconds;

  constructor(metrics: Metrics) {
    this.lag = metrics.gauge({
      name: 'hookstream_projector_lag_messages',
      help: 'DELIVERIES last sequence minus the checkpoint',
    });
    this.checkpoint = metrics.gauge({
      name: 'hookstream_projector_checkpoint_sequence',
      help: 'Last DELIVERIES sequence committed to the read tables',
    });
    this.facts = metrics.counter<'result'>({
      name: 'hookstream_projector_facts_total',
      help: 'DELIVERIES messages handled, by result',
      labelNames: ['result'],
    });
    this.batchSeconds = metrics.histogram({
      name: 'hookstream_projector_batch_duration_seconds',
      help: 'Time to write one batch with its checkpoint',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
  }
}
