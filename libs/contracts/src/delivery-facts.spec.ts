import {
  decodeDeliveryFact,
  deliveryFactMessage,
  dispatchAbandoned,
  dispatchAttempted,
  dispatchCreated,
  dispatchFailed,
  dispatchSucceeded,
  newDispatch,
  refOfDispatch,
  type Attempt,
  type Dispatch,
} from './delivery-facts';
import { dispatchIdOf } from './ids';

const dispatchId = dispatchIdOf('evt_1', 'wh_1');
const dispatch: Dispatch = {
  dispatchId,
  round: 'rnd_1',
  organizationId: 'org_a',
  subscriptionId: 'wh_1',
  eventId: 'evt_1',
  eventType: 'TEST',
  test: false,
  event: {
    id: 'evt_1',
    type: 'TEST',
    organizationId: 'org_a',
    occurredAt: '2026-11-23T10:00:00.000Z',
    data: {},
  },
  body: '{}',
  createdAt: '2026-11-23T10:00:01.000Z',
  publishedAt: '2026-11-23T10:00:00.500Z',
};
const attempt: Attempt = {
  attemptId: 'att_1',
  attempt: 2,
  startedAt: '2026-11-23T10:00:02.000Z',
  durationMs: 12,
  responseStatus: 500,
  responseBody: null,
  errorMessage: 'HTTP 500',
  nextAttemptAt: null,
};
const at = '2026-11-23T10:00:03.000Z';
const ref = refOfDispatch(dispatch);

describe('delivery facts', () => {
  it('start a dispatch under the id derived from the event and the subscription, rendered under it', () => {
    const started = newDispatch(
      {
        event: dispatch.event,
        subscriptionId: 'wh_1',
        round: 'rnd_1',
        test: false,
        createdAt: dispatch.createdAt,
        publishedAt: dispatch.publishedAt,
      },
      (id) => `{"id":"${id}"}`,
    );
    expect(started).toEqual({ ...dispatch, body: `{"id":"${dispatchId}"}` });
    expect(Object.keys(started)).toEqual(Object.keys(dispatch));
    const traced = newDispatch(
      {
        ...started,
        subscriptionId: 'wh_1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      () => '{}',
    );
    expect(traced.traceparent).toMatch(/^00-/);
  });

  it('start a round under its created message id', () => {
    expect(dispatchCreated(dispatch, at)).toEqual({
      type: 'dispatch.created',
      version: 1,
      data: dispatch,
      metadata: { messageId: `${dispatchId}:rnd_1:created`, occurredAt: at },
    });
  });

  it('record one outcome per attempt under the attempt message id', () => {
    const messageId = `${dispatchId}:rnd_1:attempt:2`;
    expect(dispatchAttempted(dispatch, attempt, at).metadata.messageId).toBe(messageId);
    expect(dispatchSucceeded(dispatch, attempt, at)).toEqual({
      type: 'dispatch.succeeded',
      version: 1,
      data: { ref, attempt },
      metadata: { messageId, occurredAt: at },
    });
    expect(dispatchSucceeded(dispatch, attempt, at, true).data).toEqual({ ref, attempt, dispatch });
    expect(dispatchFailed(dispatch, attempt, 'gone', at, { disableSubscription: true }).data).toEqual({
      ref,
      attempt,
      reason: 'gone',
      disableSubscription: true,
    });
    expect(dispatchAbandoned(dispatch, 'subscription deleted', at)).toEqual({
      type: 'dispatch.failed',
      version: 1,
      data: { ref, attempt: null, reason: 'subscription deleted' },
      metadata: { messageId: `${dispatchId}:rnd_1:abandoned`, occurredAt: at },
    });
  });

  it('go onto DELIVERIES under their subject and headers, and decode back', () => {
    const fact = dispatchAttempted(dispatch, attempt, at);
    const message = deliveryFactMessage(fact, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(message).toEqual({
      subject: 'deliveries.org_a.wh_1.attempted',
      payload: JSON.stringify(fact),
      msgId: fact.metadata.messageId,
      headers: {
        'Hookstream-Dispatch-Id': dispatchId,
        'Hookstream-Fact': 'dispatch.attempted',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    });
    expect(deliveryFactMessage(fact).headers).not.toHaveProperty('traceparent');
    expect(decodeDeliveryFact(Buffer.from(message.payload))).toEqual(fact);
    expect(
      decodeDeliveryFact(Buffer.from('{"type":"dispatch.created","version":2,"data":{}}')),
    ).toBeUndefined();
  });
});
