/**
 * Operator commands on the delivery log projection:
 *   node dist/apps/log-projector/src/cli.js rebuild   replay DELIVERIES into fresh tables, then switch to them
 *   node dist/apps/log-projector/src/cli.js verify    rebuild into scratch tables and compare with the live ones
 * `verify` exits 0 when equal and 1 when not; 2 on usage or other errors. Both are safe while the service runs.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DataSource } from 'typeorm';
import { createLogger, exitOnConfigError, readSettings, serviceSettings } from '@hookstream/platform';
import { connectNats } from '@hookstream/messaging';
import { logProjectorDataSourceOptions, migrateProjection } from './tables/projection-schema.sql';
import { formatReport } from './rebuild/projection-compare.queries';
import { rebuildProjection, verifyProjection, type RebuildDeps } from './rebuild/projection-rebuild.service';

const USAGE = 'usage: log-projector-cli rebuild|verify\n';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'rebuild' && command !== 'verify') {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = readSettings({
    databaseUrl: serviceSettings.databaseUrl,
    natsUrl: serviceSettings.natsUrl,
  });
  const dataSource = await new DataSource(logProjectorDataSourceOptions(config.databaseUrl)).initialize();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const nc = await connectNats({
    servers: config.natsUrl,
    name: `log-projector-${command}`,
    signal: abort.signal,
    // Warnings only, on stderr: stdout carries the command's own output.
    logger: createLogger('log-projector-cli', 'warn', process.stderr),
  });
  clearTimeout(timer);
  try {
    await migrateProjection(dataSource);
    const deps: RebuildDeps = {
      dataSource,
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      log: (message) => process.stderr.write(`${message}\n`),
    };
    if (command === 'rebuild') {
      const { lastSeq } = await rebuildProjection(deps);
      process.stdout.write(`rebuilt: the tables now hold DELIVERIES up to sequence ${lastSeq}\n`);
      return 0;
    }
    const report = await verifyProjection(deps);
    process.stdout.write(formatReport(report));
    return report.equal ? 0 : 1;
  } finally {
    await nc.close();
    await dataSource.destroy();
  }
}

exitOnConfigError(() => main(process.argv[2])).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
