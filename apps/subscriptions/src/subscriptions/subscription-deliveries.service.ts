import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  type Clock,
  type IdGenerator,
  STREAMS,
  type SubscriptionState,
  decodeDeliveryFact,
  decodeEnvelope,
  dispatchIdOf,
  parseEventSubject,
  sampleDataOf,
  subjects,
} from '@hookstream/contracts';
import { JETSTREAM, Publisher } from '@hookstream/messaging';
import {
  invalidField,
  isDomainError,
  type Logger,
  unavailable,
  validationFailed,
} from '@hookstream/platform';
import { compileFilter, filterDocument, matchesAny, validateFilter } from '@hookstream/webhooks';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { CLOCK, ID_GENERATOR, SUBSCRIPTIONS_CONFIG, SUBSCRIPTIONS_LOGGER } from '../subscriptions.tokens';
import { scanStream } from '../common/stream-scan.queries';
import { EventTypesService } from '../event-types/event-types.service';
import { MAX_REPLAY_EVENTS, type ReplayDto, type TestDeliveryDto } from './subscription-actions.dto';
import { type CreatedDispatch, createdDispatch, testEvent } from './subscription-dispatch.plan';
import { latestFailed, type RoundOutcome } from './replay-selection.decision';
import { SubscriptionsService } from './subscriptions.service';

export const DEFAULT_TEST_EVENT_TYPE = 'workflow.completed';
const PUBLISH_CHUNK = 100;

/**
 * Deliveries the subscriptions service starts itself: test events and replays. Both publish
 * `dispatch.created` facts straight onto DELIVERIES for one subscription; the dispatcher's
 * attempt consumer takes them from there like any other round.
 */
@Injectable()
export class SubscriptionDeliveriesService {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly eventTypes: EventTypesService,
    private readonly publisher: Publisher,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(SUBSCRIPTIONS_LOGGER) private readonly logger: Logger,
  ) {}

  async test(organizationId: string, id: string, dto: TestDeliveryDto): Promise<{ dispatchId: string }> {
    const subscription = await this.subscriptions.get(organizationId, id);
    const type = dto.eventType ?? DEFAULT_TEST_EVENT_TYPE;
    if (!(await this.eventTypes.has(organizationId, type)))
      throw validationFailed(`unknown event type "${type}"`);
    const data = dto.data ?? sampleDataOf(type) ?? {};
    const check = this.eventTypes.catalog.validate(organizationId, type, data);
    if (!check.ok) throw validationFailed(check.message);
    const now = this.clock.now();
    const event = testEvent({ organizationId, type, data, ids: this.ids, now });
    const dispatch = createdDispatch({
      subscription,
      event,
      round: this.ids.next('rnd'),
      test: true,
      now,
      publishedAt: now.toISOString(),
    });
    await this.publish([dispatch]);
    return { dispatchId: dispatch.fact.data.dispatchId };
  }

  /** Re-dispatches matching events of a time window under one new round; at most MAX_REPLAY_EVENTS per call. */
  async replay(
    organizationId: string,
    id: string,
    dto: ReplayDto,
  ): Promise<{ replayId: string; count: number; truncated: boolean }> {
    const subscription = await this.subscriptions.get(organizationId, id);
    const now = this.clock.now();
    const since = new Date(dto.since);
    const until = dto.until === undefined ? now : new Date(dto.until);
    if (until.getTime() <= since.getTime()) throw validationFailed('until must be after since');
    const round = this.ids.next('rnd');
    // A replay re-delivers what the subscription would have received: its filter applies as in the fan-out.
    const filterProblem = subscription.filter === null ? null : validateFilter(subscription.filter);
    if (filterProblem !== null)
      throw invalidField('filter', `the saved filter is no longer valid: ${filterProblem}; update it first`);
    const passes = subscription.filter === null ? () => true : compileFilter(subscription.filter);
    let count = 0;
    let truncated = false;
    let chunk: CreatedDispatch[] = [];
    try {
      const onlyFailed = dto.onlyFailed ? await this.failedDispatches(subscription, since, until) : undefined;
      for await (const msg of scanStream(this.js, {
        stream: STREAMS.events,
        filterSubject: subjects.eventFilter(organizationId, '*'),
        since,
        until,
      })) {
        const where = parseEventSubject(msg.subject);
        if (!where || !matchesAny(subscription.events, where.type)) continue;
        const decoded = decodeEnvelope(msg.data, where, this.config.maxEventBytes);
        if (!decoded.ok) continue;
        const event = decoded.envelope;
        if (onlyFailed && !onlyFailed.has(dispatchIdOf(event.id, subscription.id))) continue;
        if (!passes(filterDocument(event))) continue;
        if (count === MAX_REPLAY_EVENTS) {
          truncated = true;
          break;
        }
        chunk.push(
          createdDispatch({
            subscription,
            event,
            round,
            test: false,
            now,
            publishedAt: msg.time.toISOString(),
          }),
        );
        count++;
        if (chunk.length === PUBLISH_CHUNK) {
          await this.publish(chunk);
          chunk = [];
        }
      }
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw unavailable('the event log could not be read', { cause: error });
    }
    await this.publish(chunk);
    this.logger.info({ subscriptionId: id, replayId: round, count, truncated }, 'replay published');
    return { replayId: round, count, truncated };
  }

  /** Dispatches of this subscription whose latest finished round in the window failed. */
  private async failedDispatches(
    subscription: SubscriptionState,
    since: Date,
    until: Date,
  ): Promise<Set<string>> {
    const outcomes: RoundOutcome[] = [];
    for (const kind of ['failed', 'succeeded'] as const) {
      const scan = scanStream(this.js, {
        stream: STREAMS.deliveries,
        filterSubject: subjects.delivery(subscription.organizationId, subscription.id, kind),
        since,
        until: new Date(Math.max(until.getTime(), this.clock.now().getTime())),
      });
      for await (const msg of scan) {
        const fact = decodeDeliveryFact(msg.data);
        if (fact?.type !== 'dispatch.failed' && fact?.type !== 'dispatch.succeeded') continue;
        outcomes.push({ dispatchId: fact.data.ref.dispatchId, round: fact.data.ref.round, outcome: kind });
      }
    }
    return latestFailed(outcomes);
  }

  private async publish(dispatches: CreatedDispatch[]): Promise<void> {
    if (dispatches.length === 0) return;
    try {
      await this.publisher.publishMany(dispatches.map((d) => d.message));
    } catch (error) {
      throw unavailable('the delivery log is not reachable right now', { cause: error });
    }
  }
}
