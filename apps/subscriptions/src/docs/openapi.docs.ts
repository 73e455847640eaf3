import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OpenApiDocument } from './docs.http.controller';

/**
 * docs/openapi.json of the repository (or image) this file runs from. The document covers the
 * routes of all three services, so no one service can build it from its own controllers:
 * scripts/docs/openapi.build.ts generates it from all of them and a test keeps it current.
 */
function documentPath(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'docs', 'openapi.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Serves the published document at /docs-json (and Swagger UI at /docs); absent, they answer 503. */
export function publishOpenApi(app: INestApplication): void {
  const path = documentPath();
  if (path) app.get(OpenApiDocument).set(JSON.parse(readFileSync(path, 'utf8')) as OpenAPIObject);
}
