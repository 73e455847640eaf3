/** Injected wherever time decides something (retry schedules, expiry), so tests control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
