import {
  DISPATCH_ID_HEADER,
  FACT_TYPE_HEADER,
  factKindOf,
  refOf,
  subjects,
  TRACEPARENT_HEADER,
  type DeliveryFact,
  type DispatchRef,
} from '@hookstream/contracts';
import type { PublishItem } from '@hookstream/messaging';

/** The identifying part of a dispatch, without the event and body that only `created` and `attempted` carry. */
export function refOfDispatch(dispatch: DispatchRef): DispatchRef {
  return {
    dispatchId: dispatch.dispatchId,
    round: dispatch.round,
    organizationId: dispatch.organizationId,
    subscriptionId: dispatch.subscriptionId,
    eventId: dispatch.eventId,
    eventType: dispatch.eventType,
    test: dispatch.test,
  };
}

/**
 * A fact ready for the publisher: subject from contracts, its Nats-Msg-Id, and the dispatch id
 * beside the body; with tracing on, the `traceparent` of the span that produced it.
 */
export function factItem(fact: DeliveryFact, traceparent?: string): PublishItem {
  const ref = refOf(fact);
  const headers: Record<string, string> = {
    [DISPATCH_ID_HEADER]: ref.dispatchId,
    [FACT_TYPE_HEADER]: fact.type,
  };
  if (traceparent !== undefined) headers[TRACEPARENT_HEADER] = traceparent;
  return {
    subject: subjects.delivery(ref.organizationId, ref.subscriptionId, factKindOf(fact)),
    payload: JSON.stringify(fact),
    msgId: fact.metadata.messageId,
    headers,
  };
}
