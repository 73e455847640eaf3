import type { Command, OptionValues } from 'commander';
import { ApiClient } from './api.client';
import { resolveSettings, type CliSettings, type GlobalOptions } from './cli.config';
import { Output } from './cli.output';

/** What every command handler gets: resolved settings, the API client and the output. */
export interface CliContext {
  settings: CliSettings;
  api: ApiClient;
  out: Output;
}

export function contextOf(command: Command): CliContext {
  const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
  return { settings, api: new ApiClient(settings), out: new Output(settings.json) };
}

/**
 * A commander action with the context, the positional arguments and the command's own options.
 * Settings are resolved when a command runs, so `--help` never needs credentials.
 */
export function action<O extends OptionValues = OptionValues>(
  handler: (ctx: CliContext, args: string[], options: O) => Promise<void>,
): (this: Command) => Promise<void> {
  return async function (this: Command) {
    const args = this.processedArgs.flat().filter((arg): arg is string => typeof arg === 'string');
    await handler(contextOf(this), args, this.opts<O>());
  };
}
