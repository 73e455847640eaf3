import { STREAMS } from '@hookstream/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import type { PostgresServer } from '@hookstream/testing';

/**
 * When a log row became visible is the commit time of the transaction that inserted it: with
 * track_commit_timestamp on, Postgres keeps it per transaction (pg_xact_commit_timestamp(xmin)),
 * so no polling error enters the figures. Attempt rows are inserted once and never updated on
 * the success path, so their xmin is the projector's batch transaction.
 */
export async function enableCommitTimestamps(pg: PostgresServer): Promise<void> {
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    await client.query('ALTER SYSTEM SET track_commit_timestamp = on');
  } finally {
    await client.end();
  }
  await pg.restart();
}

export interface LogRowsScope {
  organizationId: string;
  /** Event id prefix of the phase. */
  prefix: string;
  /** No attempt of the phase started before this (epoch ms). */
  since: number;
}

const SCOPE_SQL = `FROM attempts WHERE organization_id = $1 AND started_at >= to_timestamp($2 / 1000.0)
  AND event_id LIKE $3 AND status = 'SUCCEEDED'`;

const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function countRows(db: Client, scope: LogRowsScope): Promise<{ count: number; lastCommitAt: number }> {
  const { rows } = await db.query<{ count: string; last: string | null }>(
    `SELECT count(*) AS count, extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) * 1000 AS last ${SCOPE_SQL}`,
    [scope.organizationId, scope.since, likePrefix(scope.prefix)],
  );
  return { count: Number(rows[0]?.count ?? 0), lastCommitAt: Number(rows[0]?.last ?? Number.NaN) };
}

/**
 * Waits until the projector has committed `expected` successful attempt rows of the phase. The
 * cheap check (checkpoint caught up with DELIVERIES) runs every 50 ms; the count only then.
 */
export async function waitForLogRows(
  db: Client,
  jsm: JetStreamManager,
  scope: LogRowsScope,
  expected: number,
  stallMs = 60_000,
): Promise<{ count: number; lastCommitAt: number }> {
  let progressAt = Date.now();
  let lastCheckpoint = -1;
  for (;;) {
    const { rows } = await db.query<{ seq: string | null }>('SELECT max(last_seq) AS seq FROM checkpoints');
    const checkpoint = Number(rows[0]?.seq ?? 0);
    const streamSeq = (await jsm.streams.info(STREAMS.deliveries)).state.last_seq;
    if (checkpoint !== lastCheckpoint) progressAt = Date.now();
    lastCheckpoint = checkpoint;
    if (checkpoint >= streamSeq) {
      const result = await countRows(db, scope);
      if (result.count >= expected) return result;
    }
    if (Date.now() - progressAt > stallMs)
      throw new Error(`log rows of ${scope.prefix}: projector stalled at ${checkpoint} of ${streamSeq}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Commit time (epoch ms) of every successful attempt row of the phase, by event id. */
export async function commitTimes(
  db: Client,
  scope: LogRowsScope,
): Promise<Array<{ key: string; committedAt: number }>> {
  const { rows } = await db.query<{ event_id: string; committed: string }>(
    `SELECT event_id, extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000 AS committed ${SCOPE_SQL}`,
    [scope.organizationId, scope.since, likePrefix(scope.prefix)],
  );
  return rows.map((row) => ({ key: row.event_id, committedAt: Number(row.committed) }));
}
