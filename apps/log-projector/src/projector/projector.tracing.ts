import { type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { STREAMS } from '@hookstream/contracts';
import { linksTo } from '@hookstream/platform';
import type { StreamItem } from '../tables/projection.store';

/**
 * The span of one batch written to the read tables (consumer kind). A batch covers facts of many
 * traces, so it is a root of its own with a link to the span that produced each fact (the
 * `traceparent` header the dispatcher puts on DELIVERIES; docs/architecture.md §6).
 */
export function startBatchSpan(tracer: Tracer, items: readonly StreamItem[]): Span {
  return tracer.startSpan('project deliveries', {
    kind: SpanKind.CONSUMER,
    root: true,
    links: linksTo(items.map((item) => item.trace)),
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.batch.message_count': items.length,
      'hookstream.stream': STREAMS.deliveries,
      'hookstream.stream.first_seq': items[0]?.seq ?? 0,
      'hookstream.stream.last_seq': items.at(-1)?.seq ?? 0,
    },
  });
}
