import { Inject, Injectable } from '@nestjs/common';
import { eventMessage, type EventEnvelope, type IdGenerator, validTraceparent } from '@hookstream/contracts';
import { Publisher } from '@hookstream/messaging';
import { DomainError, invalidField, unavailable } from '@hookstream/platform';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { ID_GENERATOR, SUBSCRIPTIONS_CONFIG } from '../subscriptions.tokens';
import { EventTypesService } from '../event-types/event-types.service';
import { MAX_EVENTS_PER_REQUEST, checkEvent } from './event-ingest.rules';
import { SubscriptionsMetrics } from '../subscriptions.metrics';
import { traceIngest } from './events.tracing';

/** Who sent the events: the transport (for the ingest span's name) and the caller's trace context. */
export interface IngestCaller {
  via: 'http' | 'grpc';
  /** `traceparent` of the HTTP request or the gRPC metadata, as received. */
  traceparent?: string;
}

export interface IngestResult {
  id: string;
  /** An event with this id was already stored: it is not delivered again. */
  duplicate: boolean;
}

/**
 * POST /events and Events.Publish: every event of a request is checked before any is published,
 * so a refused request stores nothing. Each event is published under its id as Nats-Msg-Id: the
 * stream keeps one copy per id, and the answer says which ones were already there.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly eventTypes: EventTypesService,
    private readonly publisher: Publisher,
    private readonly metrics: SubscriptionsMetrics,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /**
   * The caller's trace context (HTTP header or gRPC metadata) is stored with each event and
   * carried onto its deliveries; a malformed one is dropped, as W3C Trace Context asks. With
   * tracing on, the ingest span (its child) is stored instead (docs/architecture.md §6).
   */
  ingest(
    organizationId: string,
    inputs: unknown[],
    batch: boolean,
    caller: IngestCaller,
  ): Promise<IngestResult[]> {
    const trace = validTraceparent(caller.traceparent);
    return traceIngest(
      { organizationId, count: inputs.length, via: caller.via, traceparent: trace },
      (stored) => this.store(organizationId, inputs, batch, stored),
    );
  }

  private async store(
    organizationId: string,
    inputs: unknown[],
    batch: boolean,
    trace: string | undefined,
  ): Promise<IngestResult[]> {
    if (inputs.length === 0 || inputs.length > MAX_EVENTS_PER_REQUEST) {
      this.metrics.refused('invalid_batch');
      throw invalidField(
        'events',
        inputs.length === 0
          ? 'events must hold at least one event'
          : `events must hold at most ${MAX_EVENTS_PER_REQUEST} events`,
      );
    }
    const envelopes: EventEnvelope[] = [];
    for (const [index, input] of inputs.entries()) {
      const type = (input as { type?: unknown } | null)?.type;
      // A type registered a moment ago on another replica is found by reloading once.
      if (typeof type === 'string') await this.eventTypes.has(organizationId, type);
      const checked = checkEvent(input, {
        organizationId,
        maxBytes: this.config.maxEventBytes,
        catalog: this.eventTypes.catalog,
        index: batch ? index : undefined,
        newId: () => this.ids.next('evt'),
      });
      if (!checked.ok) {
        this.metrics.refused(checked.problem.reason);
        const { code, message, path } = checked.problem;
        const fields = code === 'validation_failed' ? { fields: [{ path, message }] } : undefined;
        throw new DomainError(code, message, fields);
      }
      envelopes.push(checked.envelope);
    }
    try {
      const results = await this.publisher.publishMany(envelopes.map((event) => eventMessage(event, trace)));
      return envelopes.map((event, index) => {
        const duplicate = results[index]!.duplicate;
        this.metrics.accepted(event.type, duplicate);
        return { id: event.id, duplicate };
      });
    } catch (error) {
      // Some may be stored: the same request again stores the rest and reports those as duplicates.
      throw unavailable('events could not be stored right now; retry the request', { cause: error });
    }
  }
}
