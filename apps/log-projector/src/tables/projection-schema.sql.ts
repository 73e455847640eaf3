import type { DataSource, DataSourceOptions, QueryRunner } from 'typeorm';
import { runMigrationsLocked } from '@hookstream/platform';
import { LOG_PROJECTOR_MIGRATIONS_TABLE, logProjectorMigrations, PROJECTION_TABLES } from '../migrations';
import { quoteIdent } from './projection.sql';

export function logProjectorDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [],
    migrations: logProjectorMigrations,
    migrationsTableName: LOG_PROJECTOR_MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}

/** Applies pending migrations under the shared migrations lock; returns the names applied. */
export const migrateProjection = runMigrationsLocked;

/** The schema the migrations created the live tables in (the first of the search path). */
export async function liveSchemaOf(dataSource: DataSource): Promise<string> {
  const rows = await dataSource.query<Array<{ schema: string }>>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('Postgres has no current schema: check the search_path of DATABASE_URL');
  return schema;
}

/** A fresh schema holding empty projection tables, created by the very migrations of the live ones. */
export async function createScratchSchema(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await runner.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await runner.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await runner.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    for (const Migration of logProjectorMigrations) await new Migration().up(runner);
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

export async function dropSchema(dataSource: DataSource | QueryRunner, schema: string): Promise<void> {
  await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

/**
 * Moves the scratch tables in place of the live ones inside the caller's transaction. Indexes
 * and constraints move with their tables, so names stay those the migrations gave them.
 */
export async function swapTables(runner: QueryRunner, scratch: string, live: string): Promise<void> {
  const retired = `${scratch}_retired`;
  await runner.query(`DROP SCHEMA IF EXISTS ${quoteIdent(retired)} CASCADE`);
  await runner.query(`CREATE SCHEMA ${quoteIdent(retired)}`);
  for (const table of PROJECTION_TABLES) {
    await runner.query(
      `ALTER TABLE IF EXISTS ${quoteIdent(live)}.${table} SET SCHEMA ${quoteIdent(retired)}`,
    );
    await runner.query(`ALTER TABLE ${quoteIdent(scratch)}.${table} SET SCHEMA ${quoteIdent(live)}`);
  }
  await runner.query(`DROP SCHEMA ${quoteIdent(retired)} CASCADE`);
  await runner.query(`DROP SCHEMA ${quoteIdent(scratch)} CASCADE`);
}
