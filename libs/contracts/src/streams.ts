import type { OrganizationId, SubscriptionId } from './ids';

/**
 * JetStream layout (docs/architecture.md §2). Subjects are built here and nowhere else.
 */
export const STREAMS = {
  events: 'EVENTS',
  subscriptions: 'SUBSCRIPTIONS',
  deliveries: 'DELIVERIES',
  /** Dispatches set aside for an endpoint that cannot take them now (work queue, one subject per subscription). */
  parked: 'PARKED',
  /** The circuit state of each endpoint that has one, last per subject. */
  circuits: 'CIRCUITS',
  /** Dispatches of subscriptions delivered in order per key, in EVENTS order (work queue, one subject per subscription). */
  ordered: 'ORDERED',
} as const;

export type StreamName = (typeof STREAMS)[keyof typeof STREAMS];

export const DELIVERY_FACTS = ['created', 'attempted', 'succeeded', 'failed'] as const;
export type DeliveryFactKind = (typeof DELIVERY_FACTS)[number];

/** A token that is safe as one subject segment: no dots, wildcards or whitespace. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Event types may contain dots: each dot-separated part becomes a subject token. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const EVENT_TYPE_MAX_LENGTH = 128;

export function isToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function isEventType(value: string): boolean {
  return value.length <= EVENT_TYPE_MAX_LENGTH && EVENT_TYPE_PATTERN.test(value);
}

function token(value: string, what: string): string {
  if (!isToken(value)) throw new Error(`${what} "${value}" is not a valid subject token`);
  return value;
}

export const subjects = {
  event: (organizationId: OrganizationId, type: string): string => {
    if (!isEventType(type)) throw new Error(`event type "${type}" is not valid`);
    return `events.${token(organizationId, 'organization id')}.${type}`;
  },
  /** Filter for one organization's events matching a subscription pattern (`a.*`, `a.>`, `*`, exact). */
  eventFilter: (organizationId: OrganizationId, pattern: string): string =>
    `events.${token(organizationId, 'organization id')}.${pattern === '*' ? '>' : pattern}`,
  allEvents: (): string => 'events.>',
  /** Every organization's events of one type (`events.*.webhook.disabled`). */
  eventsOfType: (type: string): string => {
    if (!isEventType(type)) throw new Error(`event type "${type}" is not valid`);
    return `events.*.${type}`;
  },
  subscription: (organizationId: OrganizationId, subscriptionId: SubscriptionId): string =>
    `subscriptions.${token(organizationId, 'organization id')}.${token(subscriptionId, 'subscription id')}`,
  allSubscriptions: (): string => 'subscriptions.>',
  delivery: (
    organizationId: OrganizationId,
    subscriptionId: SubscriptionId,
    fact: DeliveryFactKind,
  ): string =>
    `deliveries.${token(organizationId, 'organization id')}.${token(subscriptionId, 'subscription id')}.${fact}`,
  /** All facts of one kind, across organizations and subscriptions (one filter subject, NATS 2.9 compatible). */
  deliveriesOfKind: (fact: DeliveryFactKind): string => `deliveries.*.*.${fact}`,
  deliveriesOfOrganization: (organizationId: OrganizationId): string =>
    `deliveries.${token(organizationId, 'organization id')}.>`,
  allDeliveries: (): string => 'deliveries.>',
  parked: (organizationId: OrganizationId, subscriptionId: SubscriptionId): string =>
    `parked.${token(organizationId, 'organization id')}.${token(subscriptionId, 'subscription id')}`,
  allParked: (): string => 'parked.>',
  circuit: (organizationId: OrganizationId, subscriptionId: SubscriptionId): string =>
    `circuits.${token(organizationId, 'organization id')}.${token(subscriptionId, 'subscription id')}`,
  allCircuits: (): string => 'circuits.>',
  ordered: (organizationId: OrganizationId, subscriptionId: SubscriptionId): string =>
    `ordered.${token(organizationId, 'organization id')}.${token(subscriptionId, 'subscription id')}`,
  allOrdered: (): string => 'ordered.>',
};

/** Splits `parked.<org>.<sub>`, `circuits.<org>.<sub>` or `ordered.<org>.<sub>`; undefined for any other subject. */
export function parseEndpointSubject(
  subject: string,
): { organizationId: OrganizationId; subscriptionId: SubscriptionId } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 3 || !['parked', 'circuits', 'ordered'].includes(parts[0]!)) return undefined;
  return { organizationId: parts[1]!, subscriptionId: parts[2]! };
}

/**
 * The organization token of an `events.`, `deliveries.`, `parked.` or `circuits.` subject, without
 * splitting it: what the consumers' fair scheduling keys on, once per message.
 */
export function organizationOfSubject(subject: string): OrganizationId {
  const start = subject.indexOf('.') + 1;
  const end = subject.indexOf('.', start);
  return end < 0 ? subject.slice(start) : subject.slice(start, end);
}

/** Splits `events.<org>.<type...>` into its parts; undefined when the subject is not an event subject. */
export function parseEventSubject(
  subject: string,
): { organizationId: OrganizationId; type: string } | undefined {
  const parts = subject.split('.');
  if (parts.length < 3 || parts[0] !== 'events') return undefined;
  return { organizationId: parts[1]!, type: parts.slice(2).join('.') };
}

/** Splits `subscriptions.<org>.<id>`; undefined when the subject is not a subscription subject. */
export function parseSubscriptionSubject(
  subject: string,
): { organizationId: OrganizationId; subscriptionId: SubscriptionId } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 3 || parts[0] !== 'subscriptions') return undefined;
  return { organizationId: parts[1]!, subscriptionId: parts[2]! };
}

/** Splits `deliveries.<org>.<sub>.<fact>`. */
export function parseDeliverySubject(
  subject: string,
): { organizationId: OrganizationId; subscriptionId: SubscriptionId; fact: DeliveryFactKind } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'deliveries') return undefined;
  const fact = parts[3] as DeliveryFactKind;
  if (!DELIVERY_FACTS.includes(fact)) return undefined;
  return { organizationId: parts[1]!, subscriptionId: parts[2]!, fact };
}

/** Header carrying the dispatch id beside the body, so tools can filter without decoding. */
export const DISPATCH_ID_HEADER = 'Hookstream-Dispatch-Id';
export const FACT_TYPE_HEADER = 'Hookstream-Fact';
