import type { CircuitRecord } from '@hookstream/contracts';

export interface BreakerPolicy {
  /** Failed attempts in a row that open the circuit (DELIVERY_CIRCUIT_THRESHOLD). */
  failureThreshold: number;
  /** First wait before a probe; doubles with each failed probe up to probeMaxMs. */
  probeBaseMs: number;
  probeMaxMs: number;
}

export interface EndpointKey {
  subscriptionId: string;
  organizationId: string;
}

export interface Transition {
  record: CircuitRecord;
  /** The state changed (opened or closed): worth publishing, logging and counting. */
  changed: boolean;
}

/**
 * When the next probe of an open circuit goes out: base × 2^failedProbes, capped, with ±20 %
 * jitter so that many endpoints opened by one outage do not probe in step.
 */
export function probeDelayMs(failedProbes: number, policy: BreakerPolicy, random: () => number): number {
  const base = Math.min(policy.probeBaseMs * 2 ** Math.min(failedProbes, 20), policy.probeMaxMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function closedRecord(key: EndpointKey, now: Date): CircuitRecord {
  return {
    ...key,
    state: 'closed',
    since: now.toISOString(),
    consecutiveFailures: 0,
    nextProbeAt: null,
    failedProbes: 0,
    reason: null,
  };
}

/**
 * A failed attempt. A closed circuit counts it and opens at the threshold. On an open one only a
 * failed probe pushes the next probe further out; attempts that were already in flight when it
 * opened say nothing new.
 */
export function afterFailure(
  current: CircuitRecord,
  reason: string,
  probe: boolean,
  policy: BreakerPolicy,
  now: Date,
  random: () => number,
): Transition {
  const consecutiveFailures = current.consecutiveFailures + 1;
  if (current.state === 'open' && !probe) return { record: current, changed: false };
  if (current.state === 'closed') {
    if (consecutiveFailures < policy.failureThreshold)
      return { record: { ...current, consecutiveFailures, reason }, changed: false };
    const nextProbeAt = new Date(now.getTime() + probeDelayMs(0, policy, random)).toISOString();
    const record: CircuitRecord = {
      subscriptionId: current.subscriptionId,
      organizationId: current.organizationId,
      state: 'open',
      since: now.toISOString(),
      consecutiveFailures,
      nextProbeAt,
      failedProbes: 0,
      reason,
    };
    return { record, changed: true };
  }
  const failedProbes = current.failedProbes + 1;
  const nextProbeAt = new Date(now.getTime() + probeDelayMs(failedProbes, policy, random)).toISOString();
  return { record: { ...current, consecutiveFailures, failedProbes, nextProbeAt, reason }, changed: false };
}

/** A 2xx: the endpoint answers again, whatever state the circuit was in. */
export function afterSuccess(current: CircuitRecord, now: Date): Transition {
  if (current.state === 'closed') {
    if (current.consecutiveFailures === 0) return { record: current, changed: false };
    return { record: { ...current, consecutiveFailures: 0, reason: null }, changed: false };
  }
  return { record: closedRecord(current, now), changed: true };
}

/** An open circuit lets one probe through once its wait is over. */
export function probeDue(record: CircuitRecord, nowMs: number): boolean {
  if (record.state !== 'open') return false;
  return record.nextProbeAt === null || Date.parse(record.nextProbeAt) <= nowMs;
}

/**
 * Which of two records of the same endpoint wins: the later transition. Replicas publish their
 * own transitions and adopt each other's, and a user's recovery overrides whatever came before.
 */
export function newerRecord(a: CircuitRecord, b: CircuitRecord): CircuitRecord {
  const sinceA = Date.parse(a.since);
  const sinceB = Date.parse(b.since);
  if (sinceA !== sinceB) return sinceA > sinceB ? a : b;
  return b.recoveredBy === 'api' ? b : a;
}
