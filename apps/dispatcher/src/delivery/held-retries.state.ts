/**
 * The retries each subscription holds on the shared retries consumer (messages handed back until
 * they are due), so that no endpoint takes more than its share of the consumer's pending limit:
 * past the share its retries go to its own parked queue. Entries expire when their retry is due
 * (it is then redelivered, to this replica or another), so the map never outgrows the limit.
 */
export class HeldRetries {
  private readonly held = new Map<string, Map<number, number>>();

  constructor(private readonly share: number) {}

  /** Whether a retry not yet due may wait on the shared consumer; records it when it may. */
  tryHold(subscriptionId: string, seq: number, dueMs: number, nowMs: number): boolean {
    let entries = this.held.get(subscriptionId);
    if (!entries) {
      entries = new Map();
      this.held.set(subscriptionId, entries);
    }
    if (entries.has(seq)) {
      entries.set(seq, dueMs);
      return true;
    }
    if (entries.size >= this.share) this.sweep(subscriptionId, entries, nowMs);
    if (entries.size >= this.share) return false;
    entries.set(seq, dueMs);
    return true;
  }

  release(subscriptionId: string, seq: number): void {
    const entries = this.held.get(subscriptionId);
    if (!entries) return;
    entries.delete(seq);
    if (entries.size === 0) this.held.delete(subscriptionId);
  }

  count(subscriptionId: string): number {
    return this.held.get(subscriptionId)?.size ?? 0;
  }

  private sweep(subscriptionId: string, entries: Map<number, number>, nowMs: number): void {
    // A second's slack: a retry redelivered a moment late to this replica is still ours.
    for (const [seq, dueMs] of entries) if (dueMs + 1_000 < nowMs) entries.delete(seq);
    if (entries.size === 0) this.held.delete(subscriptionId);
  }
}

/** Each subscription may hold a tenth of the retries consumer's pending limit, and at least 100. */
export function retryShare(maxPending: number): number {
  return Math.max(100, Math.floor(maxPending / 10));
}
