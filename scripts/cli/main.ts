/**
 * `hookstream`: the command line of the public API. Human-readable tables by default, --json for
 * scripts; exit codes 0 ok, 1 API or validation error, 2 usage error, 3 not reachable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './admin.commands';
import { DEFAULT_API_URL, DEFAULT_GRPC_ADDRESS } from './cli.config';
import { CliError, EXIT } from './cli.errors';
import { registerDeliveryCommands } from './deliveries.commands';
import { registerEventCommands } from './events.commands';
import { repoRoot } from './local-env';
import { registerPortalCommands } from './portal.commands';
import { registerProjectorCommands } from './projector.commands';
import { registerSubscriptionCommands } from './subscriptions.commands';

const HELP_AFTER = `
Configuration: flags, then HOOKSTREAM_URL, HOOKSTREAM_API_KEY, HOOKSTREAM_ADMIN_TOKEN,
HOOKSTREAM_GRPC and HOOKSTREAM_ORG; against this machine, the API key and admin token
that \`npm run up\` stored in .data/local.env are used when none is given.

Exit codes: 0 ok, 1 API or validation error, 2 usage error, 3 Hookstream not reachable.

Examples:
  hookstream subscriptions create --name orders --url https://example.com/hook --events 'workflow.*'
  hookstream events publish --sample workflow.completed
  echo '{"type":"run_failed","data":{}}' | hookstream events publish -
  hookstream deliveries tail
  hookstream logs --subscription wh_... --json
  hookstream portal-link --org org_acme --filter '{"customer":"c_1"}' --title 'Acme webhooks'
`;

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command('hookstream')
    .description('Hookstream from the command line: subscriptions, events, deliveries, logs and dispatches')
    .version(version())
    .option('--api-url <url>', `API address (HOOKSTREAM_URL; default ${DEFAULT_API_URL})`)
    .option('--api-key <key>', 'API key (HOOKSTREAM_API_KEY)')
    .option('--admin-token <token>', 'admin token for orgs and keys (HOOKSTREAM_ADMIN_TOKEN)')
    .option(
      '--grpc <host:port>',
      `Deliveries gRPC address for deliveries tail (HOOKSTREAM_GRPC; default ${DEFAULT_GRPC_ADDRESS})`,
    )
    .option('--org <id>', "organization to act for (HOOKSTREAM_ORG; default: the key's default)")
    .option('--json', 'print JSON (results on stdout, API error bodies on stderr)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP_AFTER);
  registerAdminCommands(program);
  registerSubscriptionCommands(program);
  registerEventCommands(program);
  registerDeliveryCommands(program);
  registerProjectorCommands(program);
  registerPortalCommands(program);
  return program;
}

/** Runs one command line and returns its exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const json = program.opts<{ json?: boolean }>().json === true;
    if (error instanceof CliError) {
      if (json && error.body !== undefined) process.stderr.write(`${JSON.stringify(error.body)}\n`);
      else process.stderr.write(`hookstream: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `hookstream: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.api;
  }
}

/** Entry point of bin/hookstream.js. Exits explicitly: idle keep-alive sockets must not hold the process. */
export function run(): void {
  void main().then((code) => process.exit(code));
}

if (require.main === module) run();
