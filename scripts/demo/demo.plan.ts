import { dispatchIdOf, type Profile } from '@hookstream/contracts';
import { matchesAny } from '@hookstream/webhooks';

/** One demo endpoint: a path of the receiver and the subscription that targets it. */
export interface DemoEndpoint {
  /** Also the receiver path: /<name>. */
  name: string;
  profile: Profile;
  events: string[];
  /** Type of its test delivery (default workflow.completed). */
  testEventType?: string;
  about: string;
}

/** One subscription per wire profile, each subscribed to its source document's types, plus one flaky endpoint. */
export const DEMO_ENDPOINTS: readonly DemoEndpoint[] = [
  { name: 'standard', profile: 'standard', events: ['*'], about: 'Standard Webhooks, every event' },
  {
    name: 'kaizen',
    profile: 'kaizen',
    events: ['execution.complete'],
    testEventType: 'execution.complete',
    about: 'Kaizen Automation',
  },
  {
    name: 'maxun',
    profile: 'maxun',
    events: ['run_completed', 'run_failed'],
    testEventType: 'run_completed',
    about: 'Maxun robots',
  },
  { name: 'elan', profile: 'elan', events: ['workflow.*', 'workflow.step.*'], about: 'ELAN workflows' },
  {
    name: 'apify',
    profile: 'apify',
    events: ['ACTOR.RUN.*', 'ACTOR.BUILD.*'],
    testEventType: 'TEST',
    about: 'Apify actors',
  },
  {
    name: 'flaky',
    profile: 'standard',
    events: ['workflow.completed'],
    about: 'answers 500 to each first attempt, 200 to the retry',
  },
];

/** The sample event of every source document, published in one request. */
export const DEMO_EVENT_TYPES: readonly string[] = [
  'execution.complete',
  'run_completed',
  'run_failed',
  'workflow.started',
  'workflow.step.started',
  'workflow.step.completed',
  'workflow.step.failed',
  'workflow.completed',
  'workflow.failed',
  'ACTOR.RUN.SUCCEEDED',
];

export interface PlannedSubscription extends DemoEndpoint {
  id: string;
  secret: string;
  testDispatchId: string;
}

export interface PlannedEvent {
  id: string;
  type: string;
}

export interface ExpectedDelivery {
  subscription: PlannedSubscription;
  eventType: string;
  test: boolean;
}

/** Every dispatch the demo must see delivered: each test, and each (event, matching subscription). */
export function expectedDeliveries(
  subscriptions: readonly PlannedSubscription[],
  events: readonly PlannedEvent[],
): Map<string, ExpectedDelivery> {
  const expected = new Map<string, ExpectedDelivery>();
  for (const subscription of subscriptions) {
    const testType = subscription.testEventType ?? 'workflow.completed';
    expected.set(subscription.testDispatchId, { subscription, eventType: testType, test: true });
    for (const event of events.filter((e) => matchesAny(subscription.events, e.type)))
      expected.set(dispatchIdOf(event.id, subscription.id), {
        subscription,
        eventType: event.type,
        test: false,
      });
  }
  return expected;
}
