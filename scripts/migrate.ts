/**
 * Applies the TypeORM migrations of every service that owns tables (`node dist/scripts/migrate.js`).
 * Each service keeps its own migrations table; all of them run under the same advisory lock the
 * services take at boot, so this script can run beside starting replicas.
 */
import type { MigrationInterface } from 'typeorm';
import { exitOnConfigError, readSettings, serviceSettings } from '@hookstream/platform';
import {
  openMigrationDataSource,
  runMigrationsLocked,
} from '../apps/subscriptions/src/database/data-source.config';
import {
  SUBSCRIPTIONS_MIGRATIONS_TABLE,
  subscriptionsMigrations,
} from '../apps/subscriptions/src/migrations';
import { logProjectorMigrations } from '../apps/log-projector/src/migrations';

interface MigrationSet {
  service: string;
  table: string;
  migrations: ReadonlyArray<new () => MigrationInterface>;
}

// Subscriptions first: the other services' tables may refer to organizations.
const MIGRATION_SETS: MigrationSet[] = [
  { service: 'subscriptions', table: SUBSCRIPTIONS_MIGRATIONS_TABLE, migrations: subscriptionsMigrations },
  { service: 'log-projector', table: 'migrations_log_projector', migrations: logProjectorMigrations },
];

/** Applies every pending migration; returns the names applied, per service. */
export async function runMigrations(databaseUrl: string): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const set of MIGRATION_SETS) {
    const dataSource = await openMigrationDataSource(databaseUrl, set.migrations, set.table);
    try {
      applied[set.service] = await runMigrationsLocked(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }
  return applied;
}

if (require.main === module) {
  void exitOnConfigError(async () => {
    const { databaseUrl } = readSettings({ databaseUrl: serviceSettings.databaseUrl });
    const applied = await runMigrations(databaseUrl);
    for (const [service, names] of Object.entries(applied))
      process.stdout.write(
        `${service}: ${names.length === 0 ? 'up to date' : `applied ${names.join(', ')}`}\n`,
      );
  }).catch((error: unknown) => {
    process.stderr.write(`migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
