import type { Command } from 'commander';
import { action } from './cli.context';
import { renderFields } from './cli.output';

interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

interface ApiKeyCreated {
  id: string;
  key: string;
  organizationIds: string[];
  defaultOrganizationId: string;
  createdAt: string;
}

/** Provisioning through the admin API (ADMIN_TOKEN): organizations and API keys. */
export function registerAdminCommands(program: Command): void {
  const orgs = program.command('orgs').description('organizations (admin API)');
  orgs
    .command('create')
    .description('create an organization')
    .argument('<name>', 'display name')
    .option('--id <id>', 'organization id (1-64 of [A-Za-z0-9_-]); generated when absent')
    .action(
      action<{ id?: string }>(async ({ api, out }, [name], options) => {
        const body = { name, ...(options.id === undefined ? {} : { id: options.id }) };
        const org = await api.call<Organization>('POST', '/admin/organizations', { body, auth: 'admin' });
        out.result(org, (o) =>
          renderFields([
            ['id', o.id],
            ['name', o.name],
            ['created', o.createdAt],
          ]),
        );
      }),
    );

  const keys = program.command('keys').description('API keys (admin API)');
  keys
    .command('create')
    .description('create an API key for one or more organizations; the key is shown this once')
    .argument('<organizationId...>', 'organizations the key may act for')
    .option('--default <organizationId>', 'used when a request names no organization (default: the first)')
    .action(
      action<{ default?: string }>(async ({ api, out }, organizationIds, options) => {
        const body = { organizationIds, defaultOrganizationId: options.default ?? organizationIds[0] };
        const key = await api.call<ApiKeyCreated>('POST', '/admin/api-keys', { body, auth: 'admin' });
        out.result(
          key,
          (k) =>
            renderFields([
              ['id', k.id],
              ['key', k.key],
              ['organizations', k.organizationIds],
              ['default', k.defaultOrganizationId],
            ]) + 'Keep the key now: only its hash is stored.\n',
        );
      }),
    );
  keys
    .command('revoke')
    .description('revoke an API key: it is refused from now on')
    .argument('<keyId>', 'key_... id (not the key itself)')
    .action(
      action(async ({ api, out }, [keyId]) => {
        await api.call('DELETE', `/admin/api-keys/${encodeURIComponent(keyId!)}`, { auth: 'admin' });
        out.result({ id: keyId, revoked: true }, () => `revoked ${keyId}\n`);
      }),
    );
}
