import type { PoolClient as PgClient, QueryResult } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { refOf, type DeliveryFact } from '@hookstream/contracts';
import type { DispatchRow } from '../projection/delivery-log.rows';
import { projectBatch, type SequencedFact } from '../projection/delivery-log.project';
import type { ProjectionId } from '../projection/delivery-log-version.rules';
import {
  ATTEMPT_COLUMNS,
  DISPATCH_COLUMNS,
  DISPATCH_STATE_SELECT,
  DISPATCH_UPDATE_COLUMNS,
  DISPATCH_UPDATE_SET,
  fromDispatchState,
  names,
  quoteIdent,
  quoteLiteral,
  recordset,
  selectRows,
  ROUND_COLUMNS,
  toAttemptRecord,
  toDispatchRecord,
  toDispatchUpdate,
  toRoundRecord,
  type DispatchStateRecord,
} from './projection.sql';

/**
 * Taken by every batch transaction and by the switch to rebuilt tables, so that a batch never
 * writes into tables that are being swapped, and a swap never misses a committed batch.
 */
export const PROJECTION_WRITE_LOCK = 7_426_115_010;

/** One message of DELIVERIES: `fact` is undefined when it could not be decoded (skipped, but counted). */
export interface StreamItem {
  seq: number;
  fact: DeliveryFact | undefined;
  /** The message's `traceparent` header, read only while tracing is on (the batch span links to it). */
  trace?: string;
}

interface CheckpointRow {
  version: number;
  last_seq: string;
}

export interface Checkpoint {
  version: number;
  lastSeq: number;
}

export interface AppliedBatch {
  /** The checkpoint after the batch. */
  lastSeq: number;
  /** Facts above the previous checkpoint that were new to the read model (for watchers). */
  news: SequencedFact[];
  applied: number;
  skipped: number;
}

/** The checkpoint belongs to a newer projection version: another process rebuilt the tables. */
export class ProjectionSupersededError extends Error {
  constructor(found: number, mine: number) {
    super(`the tables hold projection version ${found}, this process projects version ${mine}`);
    this.name = 'ProjectionSupersededError';
  }
}

/** Writes batches of facts into one schema's projection tables, each batch with its checkpoint. */
export class ProjectionStore {
  private readonly dispatches: string;
  private readonly rounds: string;
  private readonly attempts: string;
  private readonly checkpoints: string;

  /**
   * `writeLock`: take PROJECTION_WRITE_LOCK in each batch (the live tables). Scratch tables of a
   * rebuild or a verification have a single writer and must not hold up the live projector.
   */
  constructor(
    private readonly dataSource: DataSource,
    readonly schema: string,
    readonly projection: ProjectionId,
    private readonly options: { writeLock: boolean } = { writeLock: true },
  ) {
    const table = (name: string) => `${quoteIdent(schema)}.${name}`;
    this.dispatches = table('dispatches');
    this.rounds = table('dispatch_rounds');
    this.attempts = table('attempts');
    this.checkpoints = table('checkpoints');
  }

  async checkpoint(runner?: QueryRunner): Promise<Checkpoint | null> {
    const rows = await selectRows<CheckpointRow>(
      runner ?? this.dataSource,
      `SELECT version, last_seq FROM ${this.checkpoints} WHERE projection = $1`,
      [this.projection.name],
    );
    const row = rows[0];
    return row ? { version: row.version, lastSeq: Number(row.last_seq) } : null;
  }

  /**
   * Applies the items above the checkpoint and moves the checkpoint to the last item, in one
   * transaction: begin with the locks in one round trip, read the dispatch rows the facts touch,
   * one statement per table written, commit.
   */
  async apply(items: readonly StreamItem[]): Promise<AppliedBatch> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      try {
        const result = await this.applyLocked(runner, items, 'BEGIN');
        await runner.query('COMMIT');
        return result;
      } catch (error) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /** The same inside a transaction the caller owns (the rebuild's final catch-up). */
  applyWithin(runner: QueryRunner, items: readonly StreamItem[]): Promise<AppliedBatch> {
    return this.applyLocked(runner, items, null);
  }

  private async applyLocked(
    runner: QueryRunner,
    items: readonly StreamItem[],
    begin: 'BEGIN' | null,
  ): Promise<AppliedBatch> {
    const checkpoint = await this.lockCheckpoint(runner, begin);
    if (checkpoint && checkpoint.version > this.projection.version)
      throw new ProjectionSupersededError(checkpoint.version, this.projection.version);
    const from = checkpoint?.lastSeq ?? 0;
    const fresh = items.filter((item) => item.seq > from);
    const last = items.reduce((max, item) => Math.max(max, item.seq), from);
    const facts = fresh.flatMap((item) => (item.fact ? [{ seq: item.seq, fact: item.fact }] : []));
    const moveTo = last > from || !checkpoint ? last : null;
    const news = await this.write(runner, facts, moveTo);
    return { lastSeq: last, news, applied: facts.length, skipped: items.length - fresh.length };
  }

  /**
   * Takes the write lock (first, as the swap to rebuilt tables does) and the checkpoint row, with
   * the BEGIN if asked, in one round trip: a multi-statement query has no parameters, and these
   * are constants of the code.
   */
  private async lockCheckpoint(runner: QueryRunner, begin: 'BEGIN' | null): Promise<Checkpoint | null> {
    const statements = [
      begin,
      this.options.writeLock ? `SELECT pg_advisory_xact_lock(${PROJECTION_WRITE_LOCK})` : null,
      `SELECT version, last_seq FROM ${this.checkpoints} WHERE projection = ${quoteLiteral(this.projection.name)} FOR UPDATE`,
    ].filter((statement) => statement !== null);
    const client = (await runner.connect()) as PgClient;
    // Several statements answer one result each; the checkpoint's is the last.
    const answer: QueryResult<CheckpointRow> | Array<QueryResult<CheckpointRow>> =
      await client.query<CheckpointRow>(statements.join(';\n'));
    const results = ([] as Array<QueryResult<CheckpointRow>>).concat(answer);
    const row = results[results.length - 1]?.rows[0];
    return row ? { version: row.version, lastSeq: Number(row.last_seq) } : null;
  }

  /**
   * Set-based: the stored rows the facts touch are read once, and each table and the checkpoint
   * take one statement whatever the batch size. Returns the facts that were news.
   */
  private async write(
    runner: QueryRunner,
    facts: SequencedFact[],
    moveTo: number | null,
  ): Promise<SequencedFact[]> {
    const ids = [...new Set(facts.map(({ fact }) => refOf(fact).dispatchId))];
    const stored =
      ids.length === 0
        ? []
        : await selectRows<DispatchStateRecord>(
            runner,
            `SELECT ${DISPATCH_STATE_SELECT} FROM ${this.dispatches} WHERE id = ANY($1::text[])`,
            [ids],
          );
    const current = new Map<string, DispatchRow>(stored.map((r) => [r.id, fromDispatchState(r)]));
    const batch = projectBatch(current, facts);

    // One statement per table: measured, this costs Postgres less than one statement of
    // data-modifying CTEs doing the same.
    const created = batch.dispatches.filter((row) => !current.has(row.id));
    if (created.length > 0)
      await runner.query(
        `INSERT INTO ${this.dispatches} (${names(DISPATCH_COLUMNS)})
         SELECT ${names(DISPATCH_COLUMNS)} FROM jsonb_to_recordset($1::jsonb) AS x(${recordset(DISPATCH_COLUMNS)})`,
        [JSON.stringify(created.map(toDispatchRecord))],
      );
    const changed = batch.dispatches.filter((row) => current.has(row.id));
    if (changed.length > 0)
      await runner.query(
        `UPDATE ${this.dispatches} d SET ${DISPATCH_UPDATE_SET}
           FROM jsonb_to_recordset($1::jsonb) AS x(${recordset(DISPATCH_UPDATE_COLUMNS)})
          WHERE d.id = x.id`,
        [JSON.stringify(changed.map(toDispatchUpdate))],
      );
    if (batch.rounds.length > 0)
      await runner.query(
        `INSERT INTO ${this.rounds} (${names(ROUND_COLUMNS)})
         SELECT ${names(ROUND_COLUMNS)} FROM jsonb_to_recordset($1::jsonb) AS x(${recordset(ROUND_COLUMNS)})
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(batch.rounds.map(toRoundRecord))],
      );
    const rows =
      batch.attempts.length === 0
        ? []
        : await selectRows<{ id: string }>(
            runner,
            `INSERT INTO ${this.attempts} (${names(ATTEMPT_COLUMNS)})
             SELECT ${names(ATTEMPT_COLUMNS)} FROM jsonb_to_recordset($1::jsonb) AS x(${recordset(ATTEMPT_COLUMNS)})
             ON CONFLICT (id) DO NOTHING
             RETURNING id`,
            [JSON.stringify(batch.attempts.map(toAttemptRecord))],
          );
    if (moveTo !== null)
      await runner.query(
        `INSERT INTO ${this.checkpoints} (projection, version, last_seq) VALUES ($1, $2, $3)
         ON CONFLICT (projection) DO UPDATE SET version = EXCLUDED.version, last_seq = EXCLUDED.last_seq`,
        [this.projection.name, this.projection.version, moveTo],
      );
    const inserted = new Set(rows.map((row) => row.id));
    // An attempt inserted now is news once, even if its fact came twice in the batch.
    return batch.notable
      .filter((item) => item.attemptId === null || inserted.delete(item.attemptId))
      .map(({ seq, fact }) => ({ seq, fact }));
  }
}
