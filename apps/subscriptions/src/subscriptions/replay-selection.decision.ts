/** A terminal delivery fact of one round, as the replay scan reads it from DELIVERIES. */
export interface RoundOutcome {
  dispatchId: string;
  round: string;
  outcome: 'succeeded' | 'failed';
}

/**
 * Dispatches whose latest finished round failed. Rounds sort by id ('' for the original
 * delivery, then time-sortable `rnd_` ids); within one round the later fact in stream order wins.
 */
export function latestFailed(outcomes: Iterable<RoundOutcome>): Set<string> {
  const latest = new Map<string, RoundOutcome>();
  for (const outcome of outcomes) {
    const known = latest.get(outcome.dispatchId);
    if (!known || outcome.round >= known.round) latest.set(outcome.dispatchId, outcome);
  }
  const failed = new Set<string>();
  for (const [dispatchId, outcome] of latest) if (outcome.outcome === 'failed') failed.add(dispatchId);
  return failed;
}
