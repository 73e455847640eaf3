import { refOf, type DeliveryFact } from '@hookstream/contracts';
import { attemptRowIdOf, evolveAttempt } from './attempt.evolve';
import type { AttemptRow, DispatchRow, RoundRow } from './delivery-log.rows';
import { carriedDispatch, evolveDispatch, sameDispatch } from './dispatch.evolve';
import { pgText } from './pg-text.rows';

export interface SequencedFact {
  seq: number;
  fact: DeliveryFact;
}

export interface ProjectedBatch {
  /** Rows whose content changed, in their final state. */
  dispatches: DispatchRow[];
  /** Rounds whose body this batch carries; a round already stored keeps its row. */
  rounds: RoundRow[];
  /** Attempt rows first recorded in this batch; a row already stored under the same id wins. */
  attempts: AttemptRow[];
  /**
   * Facts that may be news to a watcher: those that changed a dispatch row or record an attempt
   * (whether that attempt is new is known only once the store has tried to insert it).
   */
  notable: Array<SequencedFact & { attemptId: string | null }>;
}

const keyOf = (dispatchId: string, round: string): string => `${dispatchId}\u0000${round}`;

/**
 * Folds a batch of facts, in stream order, over the dispatch rows they touch (`current`: the
 * stored rows, absent when none). The result is what one transaction writes.
 */
export function projectBatch(
  current: ReadonlyMap<string, DispatchRow>,
  facts: readonly SequencedFact[],
): ProjectedBatch {
  const rows = new Map<string, DispatchRow>(current);
  const rounds = new Map<string, RoundRow>();
  const attempts = new Map<string, AttemptRow>();
  const notable: ProjectedBatch['notable'] = [];

  for (const item of facts) {
    const { fact, seq } = item;
    const ref = refOf(fact);
    const key = keyOf(ref.dispatchId, ref.round);
    const before = rows.get(ref.dispatchId) ?? null;
    const carried = carriedDispatch(fact);
    if (carried && !rounds.has(key)) {
      rounds.set(key, {
        dispatchId: ref.dispatchId,
        round: ref.round,
        requestBody: pgText(carried.body),
        createdAt: carried.createdAt,
      });
    }
    const after = evolveDispatch(before, fact);
    rows.set(ref.dispatchId, after);

    const attemptId = attemptRowIdOf(fact);
    if (attemptId !== null && !attempts.has(attemptId)) {
      const row = evolveAttempt(null, fact, seq);
      if (row) attempts.set(attemptId, row);
    }
    if (attemptId !== null || !sameDispatch(before, after)) notable.push({ ...item, attemptId });
  }

  const dispatches = [...rows.values()].filter((row) => !sameDispatch(current.get(row.id) ?? null, row));
  return {
    dispatches,
    rounds: [...rounds.values()],
    attempts: [...attempts.values()],
    notable,
  };
}
