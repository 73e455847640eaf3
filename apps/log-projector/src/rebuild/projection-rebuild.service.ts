import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { DataSource, QueryRunner } from 'typeorm';
import { DELIVERY_LOG_PROJECTION, type ProjectionId } from '../projection/delivery-log-version.rules';
import { createScratchSchema, dropSchema, liveSchemaOf, swapTables } from '../tables/projection-schema.sql';
import { withSessionLock } from '@hookstream/platform';
import { PROJECTION_WRITE_LOCK, ProjectionStore, type StreamItem } from '../tables/projection.store';
import { deliveriesLastSeq, replayDeliveries } from './deliveries-replay.queries';
import { compareTables, type TableDiff } from './projection-compare.queries';

export interface RebuildDeps {
  dataSource: DataSource;
  js: JetStreamClient;
  jsm: JetStreamManager;
  log?: (message: string) => void;
}

export const REBUILD_SCHEMA = 'log_projector_rebuild';
export const VERIFY_SCHEMA = 'log_projector_verify';
/** One rebuild and one verification at a time: each owns its scratch schema. */
const REBUILD_LOCK = 7_426_115_011;
const VERIFY_LOCK = 7_426_115_012;
/** What is left to replay while the live projector waits for the switch. */
const FINAL_CATCH_UP = 2_000;
const REPLAY_BATCH = 1_000;

async function replayInto(
  deps: RebuildDeps,
  fromSeq: number,
  toSeq: number,
  apply: (items: StreamItem[]) => Promise<unknown>,
): Promise<void> {
  await replayDeliveries(deps.js, deps.jsm, {
    fromSeq,
    toSeq,
    batchSize: REPLAY_BATCH,
    onBatch: async (items) => {
      await apply(items);
    },
  });
}

/** Replays into the scratch store until it is within `slack` of the stream's end; returns its checkpoint. */
async function replayUntilNear(deps: RebuildDeps, store: ProjectionStore, slack: number): Promise<number> {
  let seq = (await store.checkpoint())?.lastSeq ?? 0;
  for (;;) {
    const last = await deliveriesLastSeq(deps.jsm);
    if (last - seq <= slack) return seq;
    await replayInto(deps, seq + 1, last, (items) => store.apply(items));
    // Every message up to `last` that still exists has been applied; the rest aged out or was deleted.
    await store.apply([{ seq: last, fact: undefined }]);
    seq = last;
    deps.log?.(`replayed DELIVERIES up to ${seq}`);
  }
}

async function inTransaction<T>(
  dataSource: DataSource,
  isolation: 'READ COMMITTED' | 'REPEATABLE READ',
  fn: (runner: QueryRunner) => Promise<T>,
  commit: boolean,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction(isolation);
    try {
      const result = await fn(runner);
      if (commit) await runner.commitTransaction();
      else await runner.rollbackTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * Replays DELIVERIES from its first sequence into fresh tables, then puts them in place of the
 * live ones in one transaction. A live projector (in this or another process) keeps running: the
 * switch holds its write lock, first brings the fresh tables up to the live checkpoint, and the
 * projector afterwards skips what the fresh checkpoint already covers.
 */
export async function rebuildProjection(
  deps: RebuildDeps,
  projection: ProjectionId = DELIVERY_LOG_PROJECTION,
): Promise<{ lastSeq: number }> {
  const { dataSource } = deps;
  return withSessionLock(dataSource, REBUILD_LOCK, async () => {
    const live = await liveSchemaOf(dataSource);
    await createScratchSchema(dataSource, REBUILD_SCHEMA);
    try {
      const scratch = new ProjectionStore(dataSource, REBUILD_SCHEMA, projection, { writeLock: false });
      await scratch.apply([]);
      const seq = await replayUntilNear(deps, scratch, FINAL_CATCH_UP);
      const liveStore = new ProjectionStore(dataSource, live, projection);
      const lastSeq = await inTransaction(
        dataSource,
        'READ COMMITTED',
        async (runner) => {
          await runner.query('SELECT pg_advisory_xact_lock($1)', [PROJECTION_WRITE_LOCK]);
          const target = (await liveStore.checkpoint(runner))?.lastSeq ?? 0;
          await replayInto(deps, seq + 1, target, (items) => scratch.applyWithin(runner, items));
          if (target > seq) await scratch.applyWithin(runner, [{ seq: target, fact: undefined }]);
          const reached = (await scratch.checkpoint(runner))?.lastSeq ?? 0;
          await swapTables(runner, REBUILD_SCHEMA, live);
          return reached;
        },
        true,
      );
      deps.log?.(`switched to the rebuilt tables at sequence ${lastSeq}`);
      return { lastSeq };
    } finally {
      await dropSchema(dataSource, REBUILD_SCHEMA);
    }
  });
}

export interface VerifyReport {
  equal: boolean;
  /** The live checkpoint both sides were compared at. */
  checkpoint: number;
  diffs: TableDiff[];
}

/**
 * Rebuilds into scratch tables up to the live checkpoint and compares them with the live tables
 * row for row. The comparison reads the live tables in one snapshot, in which rows and checkpoint
 * agree (they are committed together), so the live projector need not stop.
 */
export async function verifyProjection(
  deps: RebuildDeps,
  projection: ProjectionId = DELIVERY_LOG_PROJECTION,
): Promise<VerifyReport> {
  const { dataSource } = deps;
  return withSessionLock(dataSource, VERIFY_LOCK, async () => {
    const live = await liveSchemaOf(dataSource);
    const liveStore = new ProjectionStore(dataSource, live, projection);
    await createScratchSchema(dataSource, VERIFY_SCHEMA);
    try {
      const scratch = new ProjectionStore(dataSource, VERIFY_SCHEMA, projection, { writeLock: false });
      const start = (await liveStore.checkpoint())?.lastSeq ?? 0;
      await replayInto(deps, 1, start, (items) => scratch.apply(items));
      return await inTransaction(
        dataSource,
        'REPEATABLE READ',
        async (runner) => {
          const liveCheckpoint = await liveStore.checkpoint(runner);
          const checkpoint = liveCheckpoint?.lastSeq ?? 0;
          await replayInto(deps, start + 1, checkpoint, (items) => scratch.applyWithin(runner, items));
          // Both sides name the same position (the last facts may have been undecodable, or aged out).
          if (liveCheckpoint) await scratch.applyWithin(runner, [{ seq: checkpoint, fact: undefined }]);
          const diffs = await compareTables(runner, live, VERIFY_SCHEMA);
          return { equal: diffs.every((d) => d.total === 0), checkpoint, diffs };
        },
        false,
      );
    } finally {
      await dropSchema(dataSource, VERIFY_SCHEMA);
    }
  });
}
