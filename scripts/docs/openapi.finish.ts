/**
 * Turns the documents Nest builds from the three services' controllers into the one published
 * document: merged paths, the error responses every route can answer, the Idempotency-Key
 * header of every POST, an example for every body, and the security schemes as they are.
 */
import { errorComponents, errorRef, ERROR_SCHEMA } from './openapi.errors';
import { exampleOf } from './openapi.examples';

// The documents are JSON trees as Nest builds them, walked by key: typed as `any` on purpose.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export const SECURITY_SCHEMES = {
  'api-key': {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key, `hs_live_...` (POST /admin/api-keys): `Authorization: Bearer <key>`.',
  },
  'admin-token': {
    type: 'http',
    scheme: 'bearer',
    description: "The operator's ADMIN_TOKEN, for the /admin routes.",
  },
};

const TAGS = [
  { name: 'webhooks', description: 'Subscriptions: where and how events are delivered.' },
  { name: 'events', description: 'Event ingest.' },
  { name: 'event-types', description: 'The catalog of event types and their JSON Schemas.' },
  { name: 'logs', description: 'Delivery attempts, retries included (served by the log-projector).' },
  { name: 'dispatches', description: "Dispatches in Apify's API v2 shape (served by the log-projector)." },
  { name: 'admin', description: 'Provisioning of organizations and API keys, with the ADMIN_TOKEN.' },
  { name: 'health', description: 'Probes and metrics; each service answers them on its own port.' },
];

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the request safe to retry: the same key and body within 24 h get the first answer again (Idempotent-Replayed: true); another body is 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, example: '5f0c7a3e-9d1b-4c2e-8f6a-2b7d9e1c4a55' },
};

/** Every path of every document, once; a path two services answer (health, metrics) is kept from the first. */
export function mergePaths(documents: readonly Json[]): { paths: Json; schemas: Json } {
  const paths: Json = {};
  const schemas: Json = {};
  for (const document of documents) {
    for (const [path, item] of Object.entries(document.paths ?? {})) paths[path] ??= item;
    Object.assign(schemas, document.components?.schemas ?? {});
  }
  return { paths, schemas };
}

function operations(paths: Json): Array<{ path: string; method: string; operation: Json }> {
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] })),
  );
}

/** What documentation a route needs; a route added without it fails the build, and so the test. */
export function missingDocumentation(paths: Json): string[] {
  return operations(paths).flatMap(({ path, method, operation }) => {
    const where = `${method.toUpperCase()} ${path}`;
    const problems: string[] = [];
    if (typeof operation.operationId !== 'string' || operation.operationId.includes('_'))
      problems.push(`${where}: no @ApiOperation({ operationId }) (got ${operation.operationId})`);
    if (typeof operation.summary !== 'string' || operation.summary === '')
      problems.push(`${where}: no summary`);
    const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
    if (success.length === 0) problems.push(`${where}: no documented success response`);
    return problems;
  });
}

function addErrors(path: string, method: string, operation: Json): void {
  const responses: Json = operation.responses;
  const secured = !(Array.isArray(operation.security) && operation.security.length === 0);
  const params: Json[] = operation.parameters ?? [];
  const statuses = ['500'];
  if (secured) statuses.push('401', '403');
  if (path.includes('{')) statuses.push('404');
  if (operation.requestBody || params.some((p) => p.in === 'query') || method === 'post')
    statuses.push('400');
  if (operation.requestBody) statuses.push('413', '415');
  if (method === 'post' || operation.operationId === 'registerEventType') statuses.push('409');
  if (!path.startsWith('/health') && path !== '/metrics') statuses.push('503');
  for (const status of statuses.sort()) responses[status] ??= errorRef(status);
}

function addExamples(operation: Json, schemas: Json): void {
  const bodies = [
    operation.requestBody?.content,
    ...Object.values<Json>(operation.responses ?? {}).map((response) => response.content),
  ];
  for (const content of bodies) {
    for (const media of Object.values<Json>(content ?? {})) {
      if (media.example !== undefined || media.examples !== undefined || !media.schema) continue;
      const example = exampleOf(media.schema, schemas);
      if (example !== undefined) media.example = example;
    }
  }
}

export function finishOpenApi(documents: readonly Json[], info: { version: string }): Json {
  const { paths, schemas } = mergePaths(documents);
  const problems = missingDocumentation(paths);
  if (problems.length > 0) throw new Error(`routes without documentation:\n  ${problems.join('\n  ')}`);
  for (const { path, method, operation } of operations(paths)) {
    if (path.startsWith('/health') || path === '/metrics') operation.security = [];
    if (method === 'post') operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_HEADER];
    addErrors(path, method, operation);
    addExamples(operation, schemas);
  }
  return {
    openapi: '3.0.0',
    info: {
      title: 'Hookstream API',
      description:
        'Signed, retried, logged and replayable webhooks. The whole public API answers on one address; ' +
        'errors always have the body {"error": {"type", "message"}} (with "fields" for validation_failed).',
      version: info.version,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The local stack (npm run up)' }],
    tags: TAGS,
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: { ...schemas, Error: ERROR_SCHEMA },
      responses: errorComponents(),
    },
  };
}
