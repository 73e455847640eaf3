import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  type Clock,
  decodeEnvelope,
  type EventEnvelope,
  parseEventSubject,
  STREAMS,
  subjects,
} from '@hookstream/contracts';
import { JETSTREAM, JETSTREAM_MANAGER } from '@hookstream/messaging';
import { invalidField, invalidFields, unavailable } from '@hookstream/platform';
import { validateFilter } from '@hookstream/webhooks';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { CLOCK, SUBSCRIPTIONS_CONFIG } from '../subscriptions.tokens';
import { tailStream } from '../common/stream-tail.queries';
import {
  DEFAULT_FILTER_TEST_EVENTS,
  type FilterTestDto,
  type FilterTestResponse,
} from './subscription-filter-test.dto';
import { runFilterTest, testEnvelope } from './subscription-filter-test.decision';
import { SubscriptionsService } from './subscriptions.service';

/**
 * `POST /webhooks/:id/filter-test`: a filter (the given one or the saved one) against one given
 * event or the organization's latest events on EVENTS. Reads only; nothing is delivered.
 */
@Injectable()
export class SubscriptionFilterTestService {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async test(organizationId: string, id: string, dto: FilterTestDto): Promise<FilterTestResponse> {
    if (dto.event !== undefined && dto.last !== undefined)
      throw invalidField('last', 'give either event or last, not both');
    if (dto.filter !== undefined) {
      const problem = validateFilter(dto.filter);
      if (problem !== null) throw invalidField('filter', problem);
    }
    const subscription = await this.subscriptions.get(organizationId, id);
    let events: EventEnvelope[];
    if (dto.event !== undefined) {
      const given = testEnvelope(dto.event, { organizationId, now: this.clock.now() });
      if (!given.ok) throw invalidFields([given.problem]);
      events = [given.envelope];
    } else {
      events = await this.latestEvents(organizationId, dto.last ?? DEFAULT_FILTER_TEST_EVENTS);
    }
    const filter = dto.filter ?? subscription.filter;
    // A saved filter was validated when written; one a later, stricter build refuses is said so, not a 500.
    const saved = dto.filter === undefined && filter !== null ? validateFilter(filter) : null;
    if (saved !== null) throw invalidField('filter', `the saved filter is no longer valid: ${saved}`);
    return runFilterTest(filter, subscription.events, events);
  }

  /** Newest first; messages that are not valid envelopes are skipped, as the fan-out rejects them. */
  private async latestEvents(organizationId: string, count: number): Promise<EventEnvelope[]> {
    try {
      const messages = await tailStream(this.jsm, this.js, {
        stream: STREAMS.events,
        filterSubject: subjects.eventFilter(organizationId, '*'),
        count,
        timeoutMs: 15_000,
      });
      const events: EventEnvelope[] = [];
      for (const msg of messages.reverse()) {
        const where = parseEventSubject(msg.subject);
        const decoded = where && decodeEnvelope(msg.data, where, this.config.maxEventBytes);
        if (decoded?.ok) events.push(decoded.envelope);
      }
      return events;
    } catch (error) {
      throw unavailable('the event log could not be read', { cause: error });
    }
  }
}
