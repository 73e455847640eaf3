import type { Logger } from '@hookstream/platform';
import {
  dispatchCreated,
  newDispatch,
  TRACEPARENT_HEADER,
  validTraceparent,
  type Dispatch,
  type DispatchCreatedFact,
  type EventEnvelope,
} from '@hookstream/contracts';
import { renderBody } from '@hookstream/webhooks';
import type { Route } from '../routing/route.state';

export interface FanoutContext {
  /** When the event was stored on EVENTS. */
  publishedAt: string;
  /** When the dispatches are created (now). */
  createdAt: string;
  /** W3C trace context of the publisher, carried to every attempt. */
  traceparent?: string;
}

export interface FanoutPlan {
  facts: DispatchCreatedFact[];
  /** Subscriptions whose body could not be rendered: logged, never retried (the template cannot change). */
  unrenderable: Array<{ route: Route; error: string }>;
}

/** One `dispatch.created` fact per matching subscription, body rendered once for every attempt. */
export function planFanout(
  event: EventEnvelope,
  routes: readonly Route[],
  context: FanoutContext,
): FanoutPlan {
  const facts: DispatchCreatedFact[] = [];
  const unrenderable: FanoutPlan['unrenderable'] = [];
  for (const route of routes) {
    let dispatch: Dispatch;
    try {
      dispatch = newDispatch(
        { event, subscriptionId: route.id, round: '', test: false, ...context },
        (dispatchId) =>
          renderBody({
            profile: route.state.profile,
            event,
            dispatchId,
            subscriptionId: route.id,
            payloadTemplate: route.state.payloadTemplate,
            createdAt: context.createdAt,
          }),
      );
    } catch (error) {
      unrenderable.push({ route, error: (error as Error).message });
      continue;
    }
    facts.push(dispatchCreated(dispatch, context.createdAt));
  }
  return { facts, unrenderable };
}

/**
 * The plan for an event as stored on EVENTS (its time and headers), dispatches created now; a
 * subscription whose body cannot be rendered is logged. Only a well-formed trace context goes onto
 * outbound requests; anything else is dropped.
 */
export function planStoredEvent(
  event: EventEnvelope,
  routes: readonly Route[],
  stored: { time: Date; headers?: { get(name: string): string } },
  logger: Logger,
): FanoutPlan {
  const traceparent = validTraceparent(stored.headers?.get(TRACEPARENT_HEADER));
  const plan = planFanout(event, routes, {
    publishedAt: stored.time.toISOString(),
    createdAt: new Date().toISOString(),
    ...(traceparent ? { traceparent } : {}),
  });
  for (const { route, error } of plan.unrenderable) {
    logger.error({ eventId: event.id, subscriptionId: route.id, error }, 'body could not be rendered');
  }
  return plan;
}
