/**
 * Operator commands against the subscriptions database (`node dist/apps/subscriptions/src/cli.js`):
 *   create-organization --name <name> [--id <id>]
 *   create-api-key --org <id> [--org <id> ...] [--default <id>]
 * Each prints one JSON object on stdout; the API key appears only there, once.
 */
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { systemClock, ulidIds } from '@hookstream/contracts';
import {
  ConfigError,
  DomainError,
  exitOnConfigError,
  readSettings,
  serviceSettings,
} from '@hookstream/platform';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ApiKeysStore } from './api-keys/api-keys.store';
import { runMigrationsLocked, subscriptionsDataSourceOptions } from './database/data-source.config';
import { OrganizationsService } from './organizations/organizations.service';
import { OrganizationsStore } from './organizations/organizations.store';
import { toOrganizationResponse } from './organizations/organization.dto';

const USAGE = `usage:
  create-organization --name <name> [--id <id>]
  create-api-key --org <id> [--org <id> ...] [--default <id>]`;

async function run(command: string | undefined, args: string[], dataSource: DataSource): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string', multiple: true },
      default: { type: 'string' },
    },
  });
  switch (command) {
    case 'create-organization': {
      if (!values.name) throw new ConfigError(['--name is required']);
      const organizations = new OrganizationsService(
        new OrganizationsStore(dataSource),
        systemClock,
        ulidIds,
      );
      return toOrganizationResponse(await organizations.create({ id: values.id, name: values.name }));
    }
    case 'create-api-key': {
      const organizationIds = values.org ?? [];
      if (organizationIds.length === 0) throw new ConfigError(['--org is required']);
      const apiKeys = new ApiKeysService(new ApiKeysStore(dataSource), systemClock, ulidIds);
      return apiKeys.create({
        organizationIds,
        defaultOrganizationId: values.default ?? organizationIds[0]!,
      });
    }
    default:
      throw new ConfigError([command ? `unknown command ${command}` : 'a command is required', USAGE]);
  }
}

async function main(): Promise<void> {
  const { databaseUrl } = readSettings({ databaseUrl: serviceSettings.databaseUrl });
  const [command, ...args] = process.argv.slice(2);
  const dataSource = await new DataSource(subscriptionsDataSourceOptions(databaseUrl)).initialize();
  try {
    await runMigrationsLocked(dataSource);
    process.stdout.write(`${JSON.stringify(await run(command, args, dataSource))}\n`);
  } finally {
    await dataSource.destroy();
  }
}

exitOnConfigError(main).catch((error: unknown) => {
  const message = error instanceof DomainError ? `${error.code}: ${error.message}` : (error as Error).message;
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof DomainError ? 2 : 1);
});
