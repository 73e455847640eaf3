import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The repository root, from the sources (ts-jest) or from their build under dist/. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || basename(dir) === 'dist') {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
