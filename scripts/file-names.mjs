// Fails when a file of a service (apps/, the browser portal aside) breaks the naming rule of
// CONTRIBUTING.md, "Naming files": `<name>.<role>.ts`, the name in kebab-case, the role one of
// those the table there lists (read from it, so the rule has one home). Entry points,
// migrations and specs named after the behaviour they prove are not covered by the rule.
// Usage: node scripts/file-names.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const ENTRY_POINTS = new Set(['main', 'cli', 'index']);

const guide = readFileSync(resolve(ROOT, 'CONTRIBUTING.md'), 'utf8');
const section = guide.slice(guide.indexOf('## Naming files'));
const table = section.slice(0, section.indexOf('\n## ', 1));
const roles = [
  ...new Set(
    table
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1].matchAll(/`\.([a-z.-]+)`/g)].map((m) => m[1])),
  ),
];
if (roles.length < 10) throw new Error('CONTRIBUTING.md: no table of roles under "## Naming files"');

const files = execFileSync('git', ['ls-files', 'apps/*.ts'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && !file.startsWith('apps/portal/') && !file.includes('/migrations/'));
const wrong = files.filter((file) => {
  const base = file.split('/').pop().replace(/\.ts$/, '');
  if (ENTRY_POINTS.has(base) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.(spec|int-spec|e2e-spec)$/.test(base))
    return false;
  return !roles.some(
    (role) => base.endsWith(`.${role}`) && /^[a-z0-9-]+$/.test(base.slice(0, -role.length - 1)),
  );
});
if (wrong.length > 0) {
  console.error(
    `files named against CONTRIBUTING.md "Naming files" (<name>.<role>.ts):\n  ${wrong.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`${files.length} service files named <name>.<role>.ts (${roles.length} roles)`);
