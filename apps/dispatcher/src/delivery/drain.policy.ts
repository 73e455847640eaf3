import type { ParkedEntry } from '@hookstream/contracts';

export type DrainAction = 'drain' | 'probe' | 'hold';

export interface DrainInputs {
  /** The routing table knows the subscription, or knows it was deleted. */
  routeKnown: boolean;
  /** Active, with a URL and secret that can be used. */
  deliverable: boolean;
  circuitOpen: boolean;
  /** Asked only when it matters: takes the probe slot when true. */
  probeAllowed: () => boolean;
}

/**
 * What a backlogged subscription's queue does now. A queue that cannot be delivered to (deleted,
 * disabled, unusable) is drained at once: every entry ends as failed, without a request. An open
 * circuit holds its queue and lets one probe through when due; a closed one drains at the
 * endpoint's own concurrency. An unknown subscription waits for the routing table.
 */
export function drainAction(inputs: DrainInputs): DrainAction {
  if (!inputs.routeKnown) return 'hold';
  if (!inputs.deliverable) return 'drain';
  if (!inputs.circuitOpen) return 'drain';
  return inputs.probeAllowed() ? 'probe' : 'hold';
}

/**
 * When a dispatch parked behind an open circuit has outlived its schedule: the time its last
 * attempt would have been due had every attempt been made and failed (the schedule's delays from
 * its first due time, plus their +20 % jitter), so an unavailable endpoint never stretches a
 * dispatch beyond what the schedule promises.
 */
export function scheduleEndsAtMs(
  entry: Pick<ParkedEntry, 'firstDueAt'>,
  scheduleMs: readonly number[],
): number {
  const total = scheduleMs.reduce((sum, delay) => sum + delay, 0);
  return Date.parse(entry.firstDueAt) + Math.ceil(total * 1.2);
}
