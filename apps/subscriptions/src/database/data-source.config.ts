import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
import { SUBSCRIPTIONS_MIGRATIONS_TABLE, subscriptionsMigrations } from '../migrations';
import { subscriptionsEntities } from './entities.config';

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

export { MIGRATIONS_LOCK_KEY, runMigrationsLocked } from '@hookstream/platform';

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
