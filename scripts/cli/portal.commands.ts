import type { Command } from 'commander';
import { action } from './cli.context';
import { parseInteger, parseJson } from './cli.input';
import { usageError } from './cli.errors';

interface PortalLink {
  url: string;
  token: string;
  expiresAt: string;
}

interface LinkOptions {
  read?: boolean;
  expiresIn?: string;
  filter?: string;
  title?: string;
  logo?: string;
  color?: string;
}

/** `hookstream portal-link`: a link to the consumer portal for the organization (--org or the key's default). */
export function registerPortalCommands(program: Command): void {
  program
    .command('portal-link')
    .description("print a link to the consumer portal for the organization (--org or the key's default)")
    .option('--read', 'a read-only session (default: manage)')
    .option('--expires-in <seconds>', 'lifetime of the link, 60 to 86400 seconds (default 3600)')
    .option('--filter <json>', 'metadata key/values the endpoints must carry, such as {"customer":"c_1"}')
    .option('--title <text>', 'title shown in the page header')
    .option('--logo <url>', 'https URL of a logo shown in the header')
    .option('--color <#rrggbb>', 'primary colour of the page')
    .action(
      action<LinkOptions>(async ({ api, out }, _args, options) => {
        const body: Record<string, unknown> = { permissions: options.read ? 'read' : 'manage' };
        if (options.expiresIn !== undefined) body.expiresIn = parseInteger(options.expiresIn, '--expires-in');
        if (options.filter !== undefined) {
          const filter = parseJson(options.filter, '--filter');
          if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
            throw usageError('--filter must be a JSON object of strings');
          body.subscriptionFilter = filter;
        }
        const theme = { title: options.title, logoUrl: options.logo, primaryColor: options.color };
        if (Object.values(theme).some((value) => value !== undefined)) body.theme = theme;
        const link = await api.call<PortalLink>('POST', '/portal/sessions', { body });
        // The link alone on stdout, so that `$(hookstream portal-link)` is the link.
        out.result(link, (l) => `${l.url}\n`);
        if (!out.json) out.note(`expires ${link.expiresAt}`);
      }),
    );
}
