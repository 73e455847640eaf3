import {
  dispatchIdOf,
  factMessageIds,
  type EventEnvelope,
  type SubscriptionState,
} from '@hookstream/contracts';
import type { Route } from '../routing/route.state';
import { planFanout } from './fanout.plan';

const event: EventEnvelope = {
  id: 'evt_1',
  type: 'workflow.completed',
  organizationId: 'org_a',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: { workflowId: 'wf_1' },
};

function route(id: string, overrides: Partial<SubscriptionState> = {}): Route {
  const state = { id, profile: 'elan', payloadTemplate: null, ...overrides } as SubscriptionState;
  return { id, state } as Route;
}

const context = { publishedAt: '2026-01-01T00:00:01.000Z', createdAt: '2026-01-01T00:00:02.000Z' };

describe('planFanout', () => {
  it('creates one dispatch per subscription with a derived id and the rendered body', () => {
    const { facts } = planFanout(event, [route('wh_1'), route('wh_2', { profile: 'kaizen' })], {
      ...context,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(facts).toHaveLength(2);
    const [first, second] = facts;
    if (first?.type !== 'dispatch.created' || second?.type !== 'dispatch.created')
      throw new Error('created facts');
    expect(first.data.dispatchId).toBe(dispatchIdOf('evt_1', 'wh_1'));
    expect(first.metadata.messageId).toBe(factMessageIds.created(first.data.dispatchId, ''));
    expect(first.data).toMatchObject({
      round: '',
      test: false,
      subscriptionId: 'wh_1',
      eventType: 'workflow.completed',
    });
    expect(first.data.publishedAt).toBe(context.publishedAt);
    expect(first.data.traceparent).toMatch(/^00-/);
    expect(JSON.parse(first.data.body)).toMatchObject({ event_id: 'evt_1', workflow_id: 'wf_1' });
    expect(JSON.parse(second.data.body)).toEqual({
      type: 'workflow.completed',
      data: { workflowId: 'wf_1' },
    });
  });

  it('renders a payload template', () => {
    const { facts } = planFanout(
      event,
      [route('wh_1', { payloadTemplate: '{"t":{{eventType}},"d":"{{dispatch.id}}"}' })],
      context,
    );
    const fact = facts[0];
    expect(fact?.type === 'dispatch.created' && JSON.parse(fact.data.body)).toEqual({
      t: 'workflow.completed',
      d: dispatchIdOf('evt_1', 'wh_1'),
    });
  });

  it('sets aside a subscription whose template cannot render, keeping the others', () => {
    const plan = planFanout(event, [route('wh_1', { payloadTemplate: '{{' }), route('wh_2')], context);
    expect(plan.facts).toHaveLength(1);
    expect(plan.unrenderable.map((u) => u.route.id)).toEqual(['wh_1']);
  });
});
