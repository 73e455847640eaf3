import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository this file runs from (source or dist): the nearest folder above with libs/contracts/proto. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'libs', 'contracts', 'proto'))) return dir;
    if (dirname(dir) === dir) throw new Error(`the Hookstream repository was not found above ${__dirname}`);
  }
}

/** Where `npm run up` keeps the admin token and the bootstrap API key of the local stack. */
export const localEnvPath = (): string => join(repoRoot(), '.data', 'local.env');

/** KEY=value lines of .data/local.env; empty when the local stack never ran here. */
export function readLocalEnv(path = localEnvPath()): Record<string, string> {
  if (!existsSync(path)) return {};
  const entries: Array<[string, string]> = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (line.startsWith('#') || at <= 0) continue;
    entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  return Object.fromEntries(entries);
}
