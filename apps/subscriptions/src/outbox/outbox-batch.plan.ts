import { subjects, type SubscriptionFact } from '@hookstream/contracts';

/** An outbox row as the relay reads it. */
export interface OutboxRow {
  id: string;
  seq: string;
  organization_id: string;
  subscription_id: string;
  fact: SubscriptionFact;
}

export interface OutboxPublish {
  id: string;
  subject: string;
  msgId: string;
  fact: SubscriptionFact;
}

/**
 * The publishes for a batch, in outbox order (seq ascending). Publishing them one after the
 * other in this order is what keeps a subscription's changes in order on SUBSCRIPTIONS, where
 * only the last message per subject is kept: an older state published last would win.
 */
export function publishesOf(rows: readonly OutboxRow[]): OutboxPublish[] {
  return [...rows]
    .sort((a, b) => compareSeq(a.seq, b.seq))
    .map((row) => ({
      id: row.id,
      subject: subjects.subscription(row.organization_id, row.subscription_id),
      msgId: row.id,
      fact: row.fact,
    }));
}

/** bigint sequences arrive as strings: compare them as numbers, not as text ("10" after "9"). */
export function compareSeq(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
