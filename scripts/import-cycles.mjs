// Fails when imports loop: between files anywhere in apps/ and libs/ (type-only imports aside,
// they load nothing), or between the feature folders of one app (`apps/<app>/src/<folder>/`, all
// imports), where a loop means two features that cannot be understood, tested or moved one
// without the other.
// Usage: node scripts/import-cycles.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SCANNED = ['apps', 'libs'];
const SKIPPED = new Set(['node_modules', 'dist']);
/** The portal is a browser app with its own build. */
const SKIPPED_PATHS = new Set([join('apps', 'portal')]);

function sourceFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (SKIPPED.has(name) || SKIPPED_PATHS.has(relative(ROOT, path))) continue;
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

function resolveImport(from, specifier) {
  let base;
  if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
  else if (specifier.startsWith('@hookstream/'))
    base = join(ROOT, 'libs', specifier.slice('@hookstream/'.length), 'src');
  else return undefined;
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function loops(graph) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indexOf.get(next)));
    }
    if (low.get(node) !== indexOf.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
}

const files = new Map();
const imports = new Map();
const folders = new Map();
for (const top of SCANNED)
  for (const file of sourceFiles(join(ROOT, top))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const all = [];
    const loading = [];
    for (const statement of source.statements) {
      const isImport = ts.isImportDeclaration(statement);
      if (!isImport && !ts.isExportDeclaration(statement)) continue;
      const specifier = statement.moduleSpecifier;
      if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
      const target = resolveImport(file, specifier.text);
      if (target === undefined) continue;
      all.push(relative(ROOT, target));
      const typeOnly = isImport ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      if (!typeOnly) loading.push(relative(ROOT, target));
    }
    files.set(relative(ROOT, file), loading);
    imports.set(relative(ROOT, file), all);
  }
const featureOf = (path) => {
  const parts = path.split(sep);
  return parts[0] === 'apps' && parts[2] === 'src' && parts.length > 4
    ? parts.slice(0, 4).join('/')
    : undefined;
};
for (const [file, targetsOfFile] of imports) {
  const from = featureOf(file);
  if (from === undefined) continue;
  const targets = folders.get(from) ?? new Set();
  for (const target of targetsOfFile) {
    const to = featureOf(target);
    if (to !== undefined && to !== from) targets.add(to);
  }
  folders.set(from, targets);
}

const problems = [
  ...loops(files).map((component) => `files import each other in a loop: ${component.join(', ')}`),
  ...loops(folders).map(
    (component) => `feature folders import each other in a loop: ${component.join(', ')}`,
  ),
];
for (const problem of problems) process.stderr.write(`${problem}\n`);
if (problems.length > 0) process.exit(1);
process.stdout.write(`no import loops among ${files.size} files\n`);
