import { Inject, Injectable } from '@nestjs/common';
import {
  deliveryFactMessage,
  dispatchCreated,
  type Clock,
  type Dispatch,
  type EventEnvelope,
  type IdGenerator,
} from '@hookstream/contracts';
import { Publisher } from '@hookstream/messaging';
import { conflict, notFound } from '@hookstream/platform';
import type { DispatchRow } from '../projection/delivery-log.rows';
import { CLOCK, ID_GENERATOR } from '../log-projector.tokens';
import { DispatchesQueries } from './dispatches.queries';

export interface RetryStarted {
  dispatchId: string;
  round: string;
}

/** The round a manual retry starts: same dispatch id, event and rendered body (`body`, the current round's) as stored. */
export function retryRound(row: DispatchRow, body: string | null, round: string, now: Date): Dispatch | null {
  if (row.eventData === null || body === null || row.eventOccurredAt === null) return null;
  const event: EventEnvelope = {
    id: row.eventId,
    type: row.eventType,
    organizationId: row.organizationId,
    occurredAt: row.eventOccurredAt,
    data: row.eventData,
  };
  if (row.eventSource !== null) event.source = row.eventSource;
  if (row.eventSubject !== null) event.subject = row.eventSubject;
  return {
    dispatchId: row.id,
    round,
    organizationId: row.organizationId,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    test: row.test,
    event,
    body,
    createdAt: now.toISOString(),
    publishedAt: row.publishedAt ?? now.toISOString(),
  };
}

/**
 * POST /webhook-dispatches/:id/retry publishes a `dispatch.created` fact for a new round; the
 * dispatcher delivers it like any other (and abandons it if the subscription is gone or disabled).
 */
@Injectable()
export class DispatchRetryService {
  constructor(
    private readonly dispatches: DispatchesQueries,
    private readonly publisher: Publisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async retry(organizationId: string, dispatchId: string): Promise<RetryStarted> {
    const record = await this.dispatches.withRequestBody(organizationId, dispatchId);
    if (!record) throw notFound(`webhook dispatch ${dispatchId}`);
    const round = this.ids.next('rnd');
    const now = this.clock.now();
    const dispatch = retryRound(record.row, record.requestBody, round, now);
    if (!dispatch)
      throw conflict(`webhook dispatch ${dispatchId} has no recorded request yet; try again shortly`);
    const { subject, payload, msgId, headers } = deliveryFactMessage(
      dispatchCreated(dispatch, now.toISOString()),
    );
    await this.publisher.publish(subject, payload, { msgId, headers });
    return { dispatchId, round };
  }
}
