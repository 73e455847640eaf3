import { DataSource } from 'typeorm';
import { startPostgres } from '@hookstream/testing';
import { DELIVERY_LOG_PROJECTION } from '../apps/log-projector/src/projection/delivery-log-version.rules';
import {
  logProjectorDataSourceOptions,
  migrateProjection,
} from '../apps/log-projector/src/tables/projection-schema.sql';
import { ProjectionStore, type StreamItem } from '../apps/log-projector/src/tables/projection.store';
import { dispatchOf, facts } from '../apps/log-projector/src/testing/delivery-facts.factory';
import { watchCpu } from './cpu.usage';
import { TARGET_BYTES } from './payload.factory';

/**
 * Batch sizes the projector writes: full batches (PROJECTOR_BATCH_SIZE, 500) while it catches up
 * with a backlog, and what a 20 ms window (PROJECTOR_BATCH_MS) gathers at 1,000 deliveries/s,
 * two facts each.
 */
export const PROJECTION_BATCHES = [500, 40] as const;

export interface ProjectionResult {
  batchSize: number;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  /** CPU per delivery: the writer (folding facts into rows, building statements) and Postgres. */
  writerUsPerDelivery: number;
  postgresUsPerDelivery: number;
}

/**
 * The log's write path alone: the projector's own store, on a Postgres of its own, fed the facts
 * of `deliveries` successful first attempts in the order a drain produces them (the `created`
 * facts of a batch ahead of the outcomes of the previous one), one batch after the other.
 */
export async function runProjection(deliveries: number, batchSize: number): Promise<ProjectionResult> {
  const pg = await startPostgres();
  const db = new DataSource(logProjectorDataSourceOptions(await pg.createDatabase('projection_bench')));
  try {
    await db.initialize();
    await migrateProjection(db);
    const store = new ProjectionStore(db, 'public', DELIVERY_LOG_PROJECTION);
    const items = drainOrder(deliveries, batchSize);
    const batches: StreamItem[][] = [];
    for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));

    const cpu = watchCpu();
    const writerBefore = process.cpuUsage();
    const start = performance.now();
    for (const batch of batches) await store.apply(batch);
    const seconds = (performance.now() - start) / 1000;
    const writer = process.cpuUsage(writerBefore);
    const postgresCores = cpu().byRole.postgres ?? 0;
    return {
      batchSize,
      deliveries,
      seconds,
      deliveriesPerSecond: deliveries / seconds,
      writerUsPerDelivery: (writer.user + writer.system) / deliveries,
      postgresUsPerDelivery: (postgresCores * seconds * 1e6) / deliveries,
    };
  } finally {
    await db.destroy().catch(() => undefined);
    await pg.dispose();
  }
}

function drainOrder(deliveries: number, batchSize: number): StreamItem[] {
  const padding = 'x'.repeat(TARGET_BYTES - 128);
  const dispatches = Array.from({ length: deliveries }, (_, i) =>
    dispatchOf({
      organizationId: 'org_projection',
      subscriptionId: 'wh_projection',
      eventId: `evt_${String(i).padStart(7, '0')}`,
      data: { workflowId: `wf_${i}`, status: 'SUCCEEDED', padding },
      at: i / 1000,
    }),
  );
  const items: StreamItem[] = [];
  const push = (fact: StreamItem['fact']) => items.push({ seq: items.length + 1, fact });
  for (let from = 0; from < deliveries + batchSize; from += batchSize) {
    for (const d of dispatches.slice(from, from + batchSize)) push(facts.created(d));
    for (const d of dispatches.slice(Math.max(0, from - batchSize), from)) push(facts.succeeded(d, 1));
  }
  return items;
}
