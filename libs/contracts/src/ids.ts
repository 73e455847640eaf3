import { createHash, randomBytes } from 'node:crypto';

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
export function dispatchIdOf(eventId: string, subscriptionId: string): string {
  return `dsp_${digest(eventId, subscriptionId)}`;
}

/** One attempt of one round of a dispatch. */
export function attemptIdOf(dispatchId: string, round: string, attempt: number): string {
  return `att_${digest(dispatchId, round, String(attempt))}`;
}

/** Nats-Msg-Id of delivery facts: a retried publish of the same fact is stored once. */
export const factMessageIds = {
  created: (dispatchId: string, round: string): string => `${dispatchId}:${round}:created`,
  /** attempted, succeeded and failed share it: one attempt has exactly one recorded outcome. */
  attempt: (dispatchId: string, round: string, attempt: number): string =>
    `${dispatchId}:${round}:attempt:${attempt}`,
  /** A dispatch given up without an HTTP attempt (subscription gone or disabled). */
  abandoned: (dispatchId: string, round: string): string => `${dispatchId}:${round}:abandoned`,
};
