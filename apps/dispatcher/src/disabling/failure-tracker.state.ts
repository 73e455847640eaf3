import type { SubscriptionId } from '@hookstream/contracts';

interface Entry {
  /** First failure since the last success; null while the latest attempt succeeded. */
  sinceMs: number | null;
  /** Bumped on each success, so a history lookup that started before one does not undo it. */
  successes: number;
}

/**
 * Per subscription, when it started failing without a success since. Held in memory and fed by
 * every attempt outcome; what this process has not seen (before a restart, or on another replica)
 * comes from the delivery history through `seed`.
 */
export class FailureTracker {
  private readonly entries = new Map<string, Entry>();

  /** False until this process saw an attempt of the subscription (or seeded it). */
  knows(subscriptionId: SubscriptionId): boolean {
    return this.entries.has(subscriptionId);
  }

  recordSuccess(subscriptionId: SubscriptionId): void {
    const entry = this.entries.get(subscriptionId);
    if (entry) {
      entry.sinceMs = null;
      entry.successes++;
    } else this.entries.set(subscriptionId, { sinceMs: null, successes: 1 });
  }

  recordFailure(subscriptionId: SubscriptionId, atMs: number): void {
    const entry = this.entries.get(subscriptionId);
    if (!entry) this.entries.set(subscriptionId, { sinceMs: atMs, successes: 0 });
    else if (entry.sinceMs === null || atMs < entry.sinceMs) entry.sinceMs = atMs;
  }

  /** A token to hand back to `seed`, marking when the history lookup started. */
  successesOf(subscriptionId: SubscriptionId): number {
    return this.entries.get(subscriptionId)?.successes ?? 0;
  }

  /**
   * Applies what the delivery history says: `historySinceMs` is the first failure recorded after
   * the last recorded success (null: none). Ignored when a success was seen since the lookup began.
   * The history is complete, so it replaces what memory guessed.
   */
  seed(subscriptionId: SubscriptionId, historySinceMs: number | null, successesAtLookup: number): void {
    const entry = this.entries.get(subscriptionId);
    if (entry && entry.successes !== successesAtLookup) return;
    if (historySinceMs === null) {
      // Nothing recorded yet (the failure just seen is still being published): memory stands.
      if (!entry) this.entries.set(subscriptionId, { sinceMs: null, successes: successesAtLookup });
      return;
    }
    if (entry) entry.sinceMs = historySinceMs;
    else this.entries.set(subscriptionId, { sinceMs: historySinceMs, successes: successesAtLookup });
  }

  /**
   * How long the subscription has failed without a success, counted from no earlier than
   * `notBeforeMs` (its last change: re-enabling or editing it starts a fresh window).
   */
  failingForMs(subscriptionId: SubscriptionId, nowMs: number, notBeforeMs: number): number {
    const since = this.entries.get(subscriptionId)?.sinceMs;
    if (since === null || since === undefined) return 0;
    return Math.max(0, nowMs - Math.max(since, notBeforeMs));
  }

  forget(subscriptionId: SubscriptionId): void {
    this.entries.delete(subscriptionId);
  }
}
