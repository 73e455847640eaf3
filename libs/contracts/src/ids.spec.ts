import type { Dispatch } from './delivery-facts';
import {
  attemptIdOf,
  dispatchIdOf,
  factMessageIds,
  type EventId,
  type OrganizationId,
  type SubscriptionId,
} from './ids';
import { subjects } from './streams';

const organizationId: OrganizationId = 'org_a';
const subscriptionId: SubscriptionId = 'wh_1';
const eventId: EventId = 'evt_1';

describe('ids', () => {
  it('derive one dispatch id per (event, subscription), and attempt ids from it', () => {
    const dispatchId = dispatchIdOf(eventId, subscriptionId);
    expect(dispatchId).toMatch(/^dsp_[A-Za-z0-9_-]{26}$/);
    expect(dispatchIdOf('evt_1', 'wh_1')).toBe(dispatchId);
    expect(dispatchIdOf(eventId, 'wh_2')).not.toBe(dispatchId);
    expect(attemptIdOf(dispatchId, '', 1)).not.toBe(attemptIdOf(dispatchId, '', 2));
    expect(factMessageIds.created(dispatchId, 'rnd_1')).toBe(`${dispatchId}:rnd_1:created`);
  });

  // Checked by the type check (`tsc`, part of `npm run check`): each line must fail to compile.
  it('refuse an id of one kind where another kind belongs', () => {
    const dispatch = {
      subscriptionId,
      organizationId,
      eventId,
      dispatchId: dispatchIdOf(eventId, subscriptionId),
    } as Dispatch;
    const swapped = () => {
      // @ts-expect-error the subscription id and the event id swapped
      dispatchIdOf(subscriptionId, eventId);
      // @ts-expect-error a subscription id is not a dispatch id
      factMessageIds.created(dispatch.subscriptionId, '');
      // @ts-expect-error the organization and the subscription swapped
      subjects.delivery(dispatch.subscriptionId, dispatch.organizationId, 'created');
      // @ts-expect-error an event id is not an organization id
      subjects.event(dispatch.eventId, 'TEST');
    };
    expect(swapped).toBeInstanceOf(Function);
  });
});
