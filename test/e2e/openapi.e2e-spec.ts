import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@hookstream/testing';
import { buildOpenApi } from '../../scripts/docs/openapi.build';
import { missingDocumentation } from '../../scripts/docs/openapi.finish';

const run = promisify(execFile);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, walked by key
type Json = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** docs/openapi.json against the controllers of the three services (no stack needed: Nest's preview mode). */
describe('the OpenAPI document', () => {
  let built: Json;
  beforeAll(async () => {
    built = await buildOpenApi();
  });

  const operations = (doc: Json) =>
    Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json })),
    );

  it('is what the code describes', async () => {
    // Stale, or a route without documentation: node dist/scripts/docs/openapi.build.js says which.
    const script = join(REPO_ROOT, 'dist', 'scripts', 'docs', 'openapi.build.js');
    await expect(run(process.execPath, [script, '--check'])).resolves.toBeDefined();
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8'))).toEqual(built);
  });

  it('refuses a route without an operation id or summary', () => {
    const paths = {
      '/things': { get: { operationId: 'ThingsController_list', responses: { '200': {} } } },
      '/ok': { get: { operationId: 'listOk', summary: 'OK', responses: { '200': {} } } },
    };
    expect(missingDocumentation(paths)).toEqual([
      'GET /things: no @ApiOperation({ operationId }) (got ThingsController_list)',
      'GET /things: no summary',
    ]);
  });

  it('covers every public route of the three services, with readable operation ids', () => {
    const routes = operations(built).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    for (const route of [
      'POST /webhooks',
      'GET /webhooks/{id}/logs',
      'GET /webhooks/logs/all',
      'GET /v2/webhook-dispatches',
      'GET /v2/webhook-dispatches/{dispatchId}',
      'GET /v2/webhooks/{id}/dispatches',
      'POST /webhook-dispatches/{dispatchId}/retry',
      'POST /events',
      'GET /health/ready',
    ])
      expect(routes).toContain(route);
    const ids = operations(built).map(({ op }) => op.operationId as string);
    expect(ids).toContain('createSubscription');
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
  });

  it('gives every operation its errors with the error schema, and every body an example', () => {
    for (const { path, method, op } of operations(built)) {
      const errors = Object.keys(op.responses).filter((status) => /^[45]/.test(status));
      expect([path, method, errors.length > 0]).toEqual([path, method, true]);
      // The shared error responses; readiness's 503 is its report instead.
      for (const status of errors)
        expect(op.responses[status].$ref ?? op.operationId).toMatch(
          /^#\/components\/responses\/|^getReadiness$/,
        );
      const bodies = [op.requestBody, ...Object.values<Json>(op.responses)].flatMap((part) =>
        Object.values<Json>(part?.content ?? {}),
      );
      for (const media of bodies)
        expect([path, method, media.example !== undefined]).toEqual([path, method, true]);
    }
    expect(built.components.responses.BadRequest.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('types the fields as the API takes them, and says what the keys are', () => {
    const create = built.components.schemas.CreateSubscriptionDto.properties;
    expect(create.payloadTemplate).toMatchObject({ type: 'string', nullable: true });
    expect(create.timeoutMs).toMatchObject({ type: 'integer' });
    for (const scheme of Object.values<Json>(built.components.securitySchemes))
      expect(scheme.bearerFormat).toBeUndefined();
  });

  it('is what libs/client is generated from (regenerate: npm run docs)', async () => {
    const generator = join(REPO_ROOT, 'node_modules', '.bin', 'openapi-typescript');
    const output = join(REPO_ROOT, 'libs', 'client', 'src', 'openapi.ts');
    const document = join(REPO_ROOT, 'docs', 'openapi.json');
    await expect(
      run(generator, [document, '--default-non-nullable', 'false', '-o', output, '--check']),
    ).resolves.toBeDefined();
  });

  it('passes redocly lint with the recommended rules', async () => {
    const redocly = join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
    const { stdout, stderr } = await run(redocly, ['lint', join(REPO_ROOT, 'docs', 'openapi.json')], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
  });
});
