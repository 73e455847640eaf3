/**
 * Builds docs/openapi.json from the controllers of the three services, without starting them
 * (Nest's preview mode instantiates nothing): `node dist/scripts/docs/openapi.build.js [--check]`.
 * `--check` fails when the checked-in file differs from what the code describes.
 */
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DispatcherModule } from '../../apps/dispatcher/src/dispatcher.module';
import { LogProjectorModule } from '../../apps/log-projector/src/log-projector.module';
import { AppModule } from '../../apps/subscriptions/src/app.module';
import { formatted, writeOrCheck } from './docs-file';
import { finishOpenApi } from './openapi.finish';

export const OPENAPI_DOC = 'docs/openapi.json';
const API_VERSION = '1';

/** Modules as forRoot builds them; preview mode never reads the (absent) configuration. */
function serviceModules(): DynamicModule[] {
  const config = {} as never;
  return [AppModule.forRoot(config), LogProjectorModule.forRoot(config), DispatcherModule.forRoot(config)];
}

async function documentOf(module: DynamicModule): Promise<Record<string, unknown>> {
  const app = await NestFactory.create(module, { preview: true, logger: false, abortOnError: false });
  try {
    const config = new DocumentBuilder().build();
    return SwaggerModule.createDocument(app, config) as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

export async function buildOpenApi(): Promise<Record<string, unknown>> {
  const documents = [];
  for (const module of serviceModules()) documents.push(await documentOf(module));
  return finishOpenApi(documents, { version: API_VERSION });
}

export async function renderOpenApi(document: unknown): Promise<string> {
  return formatted(OPENAPI_DOC, JSON.stringify(document, null, 2));
}

if (require.main === module)
  buildOpenApi()
    .then(renderOpenApi)
    .then(
      (text) => process.exit(writeOrCheck(OPENAPI_DOC, text, process.argv)),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(3);
      },
    );
