import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { projectorEnvironment } from './cli.config';
import { CliError, EXIT, usageError, type ExitCode } from './cli.errors';
import { repoRoot } from './local-env';

/** Runs the log-projector's own operator command with this environment; its exit code is ours. */
async function runProjectorCli(command: 'rebuild' | 'verify'): Promise<void> {
  const entry = join(repoRoot(), 'dist', 'apps', 'log-projector', 'src', 'cli.js');
  if (!existsSync(entry)) throw usageError(`${entry} is missing: run \`npm run build\` first`);
  const env = projectorEnvironment();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [entry, command], { env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== EXIT.ok) {
    const exitCode = ([EXIT.api, EXIT.usage, EXIT.unavailable] as number[]).includes(code)
      ? (code as ExitCode)
      : EXIT.api;
    throw new CliError(`projector ${command} exited with ${code}`, exitCode);
  }
}

export function registerProjectorCommands(program: Command): void {
  const projector = program
    .command('projector')
    .description('the delivery log projection (talks to Postgres and NATS: needs DATABASE_URL and NATS_URL)');
  projector
    .command('rebuild')
    .description('replay DELIVERIES into fresh tables, then switch to them (safe while the service runs)')
    .action(() => runProjectorCli('rebuild'));
  projector
    .command('verify')
    .description('rebuild into scratch tables and compare with the live ones; exit 1 when they differ')
    .action(() => runProjectorCli('verify'));
}
