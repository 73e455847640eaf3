import { createHash, randomBytes } from 'node:crypto';

/**
 * The ids of different things are different types, so that passing a subscription id where an
 * event id belongs does not compile. The brand is optional: a plain string (a literal in a spec,
 * a column just read) is accepted where an id is expected, but an id of one kind is refused
 * where another kind is expected. The wire messages' types and the id functions carry them, so an
 * id read through a decoder or derived by `dispatchIdOf` is typed from there on.
 */
export type OrganizationId = string & { readonly __brand?: 'OrganizationId' };
export type SubscriptionId = string & { readonly __brand?: 'SubscriptionId' };
export type EventId = string & { readonly __brand?: 'EventId' };
export type DispatchId = string & { readonly __brand?: 'DispatchId' };

export type IdPrefix = 'evt' | 'wh' | 'dsp' | 'att' | 'org' | 'key' | 'rnd' | 'obx' | 'rpl' | 'err';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) out += CROCKFORD[byte % 32];
  return out;
}

/** Generates ids; injected so tests and replays can control them. */
export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

/** Time-sortable ids (ULID layout: 10 chars of milliseconds, 16 random), with a type prefix. */
export const ulidIds: IdGenerator = {
  next(prefix: IdPrefix): string {
    return `${prefix}_${encodeTime(Date.now())}${encodeRandom(randomBytes(16))}`;
  },
};

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 26);
}

/** The dispatch id is a function of (event id, subscription id): stable across attempts, replays and re-publishes. */
export function dispatchIdOf(eventId: EventId, subscriptionId: SubscriptionId): DispatchId {
  return `dsp_${digest(eventId, subscriptionId)}`;
}

/** One attempt of one round of a dispatch. */
export function attemptIdOf(dispatchId: DispatchId, round: string, attempt: number): string {
  return `att_${digest(dispatchId, round, String(attempt))}`;
}

/** Nats-Msg-Id of delivery facts: a retried publish of the same fact is stored once. */
export const factMessageIds = {
  created: (dispatchId: DispatchId, round: string): string => `${dispatchId}:${round}:created`,
  /** attempted, succeeded and failed share it: one attempt has exactly one recorded outcome. */
  attempt: (dispatchId: DispatchId, round: string, attempt: number): string =>
    `${dispatchId}:${round}:attempt:${attempt}`,
  /** A dispatch given up without an HTTP attempt (subscription gone or disabled). */
  abandoned: (dispatchId: DispatchId, round: string): string => `${dispatchId}:${round}:abandoned`,
};
