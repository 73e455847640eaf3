import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '@hookstream/testing';

/** The portal loads inside other products' pages: its JavaScript stays small (issue budget: 250 KiB gzipped). */
const BUDGET_BYTES = 250 * 1024;

describe('the built portal', () => {
  const dir = join(REPO_ROOT, 'dist', 'portal');

  it('is part of the build, with every script and style it names', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const named = [...html.matchAll(/(?:src|href)="\/portal\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(join(dir, 'assets'))).toEqual(expect.arrayContaining(named));
    // Nothing fetched from elsewhere at run time.
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('ships at most 250 KiB of JavaScript, gzipped', () => {
    const scripts = readdirSync(join(dir, 'assets')).filter((name) => name.endsWith('.js'));
    const gzipped = scripts.reduce(
      (sum, name) => sum + gzipSync(readFileSync(join(dir, 'assets', name))).length,
      0,
    );
    process.stdout.write(
      `portal JavaScript: ${scripts.length} file(s), ${(gzipped / 1024).toFixed(1)} KiB gzipped\n`,
    );
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
