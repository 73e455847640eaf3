import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../cli/local-env';

/** A generated file under docs/, formatted as `npm run check` expects it. */
export async function formatted(relativePath: string, text: string): Promise<string> {
  // Loaded on use: prettier's own loader needs native import(), which test runners may lack.
  const { format, resolveConfig } = await import('prettier');
  const path = join(repoRoot(), relativePath);
  const config = (await resolveConfig(path)) ?? {};
  return format(text, { ...config, filepath: path });
}

export function readDoc(relativePath: string): string {
  try {
    return readFileSync(join(repoRoot(), relativePath), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Writes the file, or with `--check` only compares: exit 1 when the checked-in file is stale.
 * Returns the exit code.
 */
export function writeOrCheck(relativePath: string, content: string, argv: readonly string[]): number {
  if (argv.includes('--check')) {
    if (readDoc(relativePath) === content) return 0;
    process.stderr.write(`${relativePath} is stale: regenerate it (see the header of scripts/docs/)\n`);
    return 1;
  }
  writeFileSync(join(repoRoot(), relativePath), content);
  process.stdout.write(`wrote ${relativePath}\n`);
  return 0;
}
