import fc from 'fast-check';
import {
  DELIVERY_FACTS,
  isEventType,
  isToken,
  organizationOfSubject,
  parseDeliverySubject,
  parseEventSubject,
  parseSubscriptionSubject,
  subjects,
} from './streams';

const tokenArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const eventTypeArb = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join('.'));

describe('tokens and event types', () => {
  it('accept subject-safe tokens of 1-64 characters', () => {
    expect(isToken('org_acme-1')).toBe(true);
    expect(isToken('x'.repeat(64))).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'a.b', 'a*', 'a>', 'a b', 'ä']) expect(isToken(bad)).toBe(false);
  });

  it('accept dotted event types up to 128 characters, without wildcards or empty parts', () => {
    for (const good of [
      'TEST',
      'run_completed',
      'workflow.step.failed',
      'ACTOR.RUN.TIMED_OUT',
      'x'.repeat(128),
    ])
      expect(isEventType(good)).toBe(true);
    for (const bad of ['', 'x'.repeat(129), 'a..b', '.a', 'a.', 'a.*', 'a.>', '*', 'a b'])
      expect(isEventType(bad)).toBe(false);
  });
});

describe('subjects', () => {
  it('build event subjects with the type as tokens', () => {
    expect(subjects.event('org_acme', 'workflow.step.completed')).toBe(
      'events.org_acme.workflow.step.completed',
    );
    expect(() => subjects.event('org.acme', 'TEST')).toThrow(
      'organization id "org.acme" is not a valid subject token',
    );
    expect(() => subjects.event('org_acme', 'workflow.*')).toThrow('event type "workflow.*" is not valid');
  });

  it('filter one event type across organizations', () => {
    expect(subjects.eventsOfType('webhook.disabled')).toBe('events.*.webhook.disabled');
    expect(() => subjects.eventsOfType('webhook.*')).toThrow('event type "webhook.*" is not valid');
  });

  it('map subscription patterns onto subject filters', () => {
    expect(subjects.eventFilter('org_acme', '*')).toBe('events.org_acme.>');
    expect(subjects.eventFilter('org_acme', 'workflow.*')).toBe('events.org_acme.workflow.*');
    expect(subjects.eventFilter('org_acme', 'workflow.>')).toBe('events.org_acme.workflow.>');
    expect(subjects.eventFilter('org_acme', 'run_failed')).toBe('events.org_acme.run_failed');
    expect(() => subjects.eventFilter('*', 'TEST')).toThrow();
  });

  it('build subscription and delivery subjects', () => {
    expect(subjects.subscription('org_acme', 'wh_1')).toBe('subscriptions.org_acme.wh_1');
    expect(subjects.delivery('org_acme', 'wh_1', 'attempted')).toBe('deliveries.org_acme.wh_1.attempted');
    expect(subjects.deliveriesOfKind('failed')).toBe('deliveries.*.*.failed');
    expect(subjects.deliveriesOfOrganization('org_acme')).toBe('deliveries.org_acme.>');
    expect([subjects.allEvents(), subjects.allSubscriptions(), subjects.allDeliveries()]).toEqual([
      'events.>',
      'subscriptions.>',
      'deliveries.>',
    ]);
    expect(() => subjects.subscription('org_acme', 'wh.1')).toThrow('subscription id "wh.1"');
    expect(() => subjects.delivery('org acme', 'wh_1', 'created')).toThrow('organization id');
  });
});

describe('parsing subjects', () => {
  it('reads back every event subject it builds', () => {
    fc.assert(
      fc.property(tokenArb, eventTypeArb, (organizationId, type) => {
        expect(parseEventSubject(subjects.event(organizationId, type))).toEqual({ organizationId, type });
      }),
    );
  });

  it('reads back every delivery subject it builds', () => {
    fc.assert(
      fc.property(
        tokenArb,
        tokenArb,
        fc.constantFrom(...DELIVERY_FACTS),
        (organizationId, subscriptionId, fact) => {
          expect(parseDeliverySubject(subjects.delivery(organizationId, subscriptionId, fact))).toEqual({
            organizationId,
            subscriptionId,
            fact,
          });
        },
      ),
    );
  });

  it('reads back every subscription subject it builds', () => {
    fc.assert(
      fc.property(tokenArb, tokenArb, (organizationId, subscriptionId) => {
        expect(parseSubscriptionSubject(subjects.subscription(organizationId, subscriptionId))).toEqual({
          organizationId,
          subscriptionId,
        });
      }),
    );
  });

  it('finds the organization of event, delivery and parked subjects alike', () => {
    fc.assert(
      fc.property(tokenArb, tokenArb, (organizationId, subscriptionId) => {
        for (const subject of [
          subjects.event(organizationId, 'run.finished'),
          subjects.delivery(organizationId, subscriptionId, 'created'),
          subjects.parked(organizationId, subscriptionId),
        ])
          expect(organizationOfSubject(subject)).toBe(organizationId);
      }),
    );
  });

  it('answers undefined for other subjects', () => {
    for (const subject of ['events.org_acme', 'deliveries.org_acme.wh_1.created', 'subscriptions.org.wh'])
      expect(parseEventSubject(subject)).toBeUndefined();
    for (const subject of [
      'deliveries.org_acme.wh_1',
      'deliveries.org_acme.wh_1.retried',
      'deliveries.org_acme.wh_1.created.x',
      'events.org_acme.wh_1.created',
    ])
      expect(parseDeliverySubject(subject)).toBeUndefined();
    for (const subject of ['subscriptions.org_acme', 'subscriptions.org.wh.x', 'events.org_acme.wh_1'])
      expect(parseSubscriptionSubject(subject)).toBeUndefined();
  });
});
