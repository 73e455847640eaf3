import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OutboxRow } from './outbox-batch.plan';

/** One relay at a time across replicas: two relays interleaving could reorder a subscription's changes. */
const RELAY_LOCK_KEY = 7_426_115_002;
/** Published rows are kept a while for inspection, then deleted. */
const RETENTION = '7 days';

/**
 * The relay's side of `subscription_outbox` (SubscriptionStore appends the rows, in the
 * transaction of the change they publish).
 */
@Injectable()
export class OutboxStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Rows written and not yet published. */
  async backlog(): Promise<number> {
    const rows = await this.dataSource.query<Array<{ n: string }>>(
      'SELECT count(*) AS n FROM subscription_outbox WHERE published_at IS NULL',
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * One round under the relay lock, in one transaction: the first `limit` unpublished rows in
   * outbox order go to `publish`, which answers the ids it published (marked published here)
   * and its outcome. Null when another replica holds the lock.
   */
  async relayRound<T>(
    limit: number,
    publish: (rows: OutboxRow[]) => Promise<{ published: string[]; outcome: T }>,
  ): Promise<T | null> {
    return this.dataSource.transaction(async (em) => {
      const [lock] = await em.query<Array<{ locked: boolean }>>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [RELAY_LOCK_KEY],
      );
      if (!lock?.locked) return null;
      const rows = await em.query<OutboxRow[]>(
        `SELECT id, seq, organization_id, subscription_id, fact FROM subscription_outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [limit],
      );
      const { published, outcome } = await publish(rows);
      if (published.length > 0)
        await em.query('UPDATE subscription_outbox SET published_at = now() WHERE id = ANY($1)', [published]);
      return outcome;
    });
  }

  /** Deletes the rows published longer ago than the retention. */
  async deleteExpired(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM subscription_outbox WHERE published_at < now() - interval '${RETENTION}'`,
    );
  }
}
