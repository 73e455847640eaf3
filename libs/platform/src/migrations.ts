import type { DataSource } from 'typeorm';

/** One key for every service's migrations: replicas and services starting together take turns. */
export const MIGRATIONS_LOCK_KEY = 7_426_115_001;

/** Runs a callback on one connection while it holds a session-level advisory lock. */
export async function withSessionLock<T>(
  dataSource: DataSource,
  key: number,
  fn: () => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await fn();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}

/** Applies the data source's pending migrations under the shared lock; returns the names applied. */
export function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  return withSessionLock(dataSource, MIGRATIONS_LOCK_KEY, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}
