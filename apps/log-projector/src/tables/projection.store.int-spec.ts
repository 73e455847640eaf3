import { DataSource } from 'typeorm';
import { startPostgres, type PostgresServer } from '@hookstream/testing';
import { DELIVERY_LOG_PROJECTION } from '../projection/delivery-log-version.rules';
import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import { mixedWorkload } from '../testing/delivery-workload.factory';
import { ATTEMPT_VIEW } from './projection.sql';
import {
  createScratchSchema,
  logProjectorDataSourceOptions,
  migrateProjection,
} from './projection-schema.sql';
import { ProjectionStore, type StreamItem } from './projection.store';

/**
 * The store reads stored dispatch rows back without their event data and request body, and
 * updates them without rewriting those: fact by fact, the tables must come out exactly as when
 * every fact is folded in one batch.
 */
type Row = Record<string, unknown>;

/** A dispatch row with the body of its current round, which `dispatch_rounds` holds. */
const DISPATCH_BODY_JOIN = `FROM dispatches d LEFT JOIN dispatch_rounds r ON r.dispatch_id = d.id AND r.round = d.round`;

describe('ProjectionStore', () => {
  let pg: PostgresServer;
  let db: DataSource;

  beforeAll(async () => {
    pg = await startPostgres();
    db = new DataSource(logProjectorDataSourceOptions(await pg.createDatabase()));
    await db.initialize();
    await migrateProjection(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await pg?.dispose();
  });

  const storeIn = async (schema: string): Promise<ProjectionStore> => {
    await createScratchSchema(db, schema);
    return new ProjectionStore(db, schema, DELIVERY_LOG_PROJECTION, { writeLock: false });
  };

  /** Reads with `schema` first on the search path, as the read queries (unqualified names) see it. */
  const within = async <T>(schema: string, read: (query: (sql: string) => Promise<Row[]>) => Promise<T>) => {
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SET LOCAL search_path TO ${schema}`);
      const result = await read((sql) => runner.query(sql) as Promise<Row[]>);
      await runner.commitTransaction();
      return result;
    } finally {
      await runner.release();
    }
  };

  const tables = (schema: string) =>
    within(schema, async (query) => ({
      dispatches: await query(`SELECT * FROM dispatches ORDER BY id`),
      rounds: await query(`SELECT * FROM dispatch_rounds ORDER BY dispatch_id, round`),
      attempts: await query(`${ATTEMPT_VIEW} ORDER BY a.id`),
    }));

  it('writes the same rows one fact per batch as in a single batch', async () => {
    const workload = mixedWorkload('org_store', 'wh_s1', 'wh_s2').facts;
    const items: StreamItem[] = workload.map((fact, i) => ({ seq: i + 1, fact }));

    const whole = await storeIn('whole_batch');
    await whole.apply(items);
    const single = await storeIn('fact_by_fact');
    for (const item of items) await single.apply([item]);

    const expected = await tables('whole_batch');
    expect(expected.dispatches.length).toBeGreaterThan(0);
    expect(await tables('fact_by_fact')).toEqual(expected);
  });

  it('keeps event data and body across later batches, and a new round brings its own body', async () => {
    const first = dispatchOf({ organizationId: 'org_k', subscriptionId: 'wh_k', eventId: 'evt_k' });
    const retry = dispatchOf({
      organizationId: 'org_k',
      subscriptionId: 'wh_k',
      eventId: 'evt_k',
      round: 'rnd_2',
      body: '{"retried":true}',
      at: 60,
    });
    const store = await storeIn('later_batches');
    const batches = [
      [facts.created(first)],
      [facts.attempted(first, 1)],
      [facts.succeeded(first, 2)],
      [facts.created(retry)],
      [facts.failed(retry, 1)],
    ];
    const rowAfter = async (i: number) => {
      await store.apply([{ seq: i + 1, fact: batches[i]![0]! }]);
      const rows = await within('later_batches', (query) =>
        query(`SELECT d.status, d.round, d.event_data, r.request_body ${DISPATCH_BODY_JOIN}`),
      );
      return rows[0];
    };
    const event = { event_data: first.event.data };
    expect(await rowAfter(0)).toEqual({ status: 'ACTIVE', round: '', request_body: first.body, ...event });
    expect(await rowAfter(1)).toEqual({ status: 'ACTIVE', round: '', request_body: first.body, ...event });
    expect(await rowAfter(2)).toEqual({ status: 'SUCCEEDED', round: '', request_body: first.body, ...event });
    expect(await rowAfter(3)).toEqual({
      status: 'ACTIVE',
      round: 'rnd_2',
      request_body: retry.body,
      ...event,
    });
    expect(await rowAfter(4)).toEqual({
      status: 'FAILED',
      round: 'rnd_2',
      request_body: retry.body,
      ...event,
    });

    const attempts = await within('later_batches', (query) =>
      query(`${ATTEMPT_VIEW} ORDER BY a.round, a.attempt`),
    );
    expect(attempts.map((a) => [a.round, a.attempt, a.request_body])).toEqual([
      ['', 1, first.body],
      ['', 2, first.body],
      ['rnd_2', 1, retry.body],
    ]);
  });
});
