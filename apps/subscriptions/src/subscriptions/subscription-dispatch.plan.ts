import {
  deliveryFactMessage,
  dispatchCreated,
  newDispatch,
  type DispatchCreatedFact,
  type EventEnvelope,
  type IdGenerator,
  type SubscriptionState,
  type WireMessage,
} from '@hookstream/contracts';
import { renderBody } from '@hookstream/webhooks';

/** A `dispatch.created` fact and the message that publishes it on DELIVERIES. */
export interface CreatedDispatch {
  message: WireMessage;
  fact: DispatchCreatedFact;
}

/**
 * Starts a round of one (event, subscription) dispatch: the test and replay paths publish these
 * themselves (the dispatcher's fan-out does the same for live events).
 */
export function createdDispatch(input: {
  subscription: SubscriptionState;
  event: EventEnvelope;
  round: string;
  test: boolean;
  now: Date;
  /** When the event was stored on EVENTS (now for a test event, which never is). */
  publishedAt: string;
}): CreatedDispatch {
  const { subscription, event, round, test } = input;
  const createdAt = input.now.toISOString();
  const dispatch = newDispatch(
    { event, subscriptionId: subscription.id, round, test, createdAt, publishedAt: input.publishedAt },
    (dispatchId) =>
      renderBody({
        profile: subscription.profile,
        event,
        dispatchId,
        subscriptionId: subscription.id,
        payloadTemplate: subscription.payloadTemplate,
        createdAt,
        test,
      }),
  );
  const fact = dispatchCreated(dispatch, createdAt);
  return { message: deliveryFactMessage(fact), fact };
}

/** A test event: marked by its id (`evt_test_...`) and source, never stored on EVENTS. */
export function testEvent(input: {
  organizationId: string;
  type: string;
  data: Record<string, unknown>;
  ids: IdGenerator;
  now: Date;
}): EventEnvelope {
  return {
    id: `evt_test_${input.ids.next('evt').slice('evt_'.length)}`,
    type: input.type,
    organizationId: input.organizationId,
    occurredAt: input.now.toISOString(),
    source: 'hookstream.test',
    data: input.data,
  };
}
