import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
import { SUBSCRIPTIONS_MIGRATIONS_TABLE, subscriptionsMigrations } from '../migrations';
import { subscriptionsEntities } from './entities';

/** One key for every service's migrations: replicas and services starting together take turns. */
export const MIGRATIONS_LOCK_KEY = 7_426_115_001;

export function subscriptionsDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: subscriptionsEntities,
    migrations: subscriptionsMigrations,
    migrationsTableName: SUBSCRIPTIONS_MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}

/**
 * Applies pending migrations while holding a Postgres advisory lock, so that replicas starting at
 * once do not race on the same DDL. The lock is session-scoped: it is taken and released on one
 * dedicated connection, while the migrations themselves run on the pool.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** Opens a data source for a set of migrations only (the migrate script, the CLI). */
export async function openMigrationDataSource(
  databaseUrl: string,
  migrations: ReadonlyArray<new () => MigrationInterface>,
  migrationsTableName: string,
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: [...migrations],
    migrationsTableName,
    synchronize: false,
    logging: false,
  });
  return dataSource.initialize();
}
