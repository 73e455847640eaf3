import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bootstrapService, exitOnConfigError, readTracingConfig } from '@hookstream/platform';
import { readSubscriptionsConfig } from './subscriptions.config';
import { AppModule } from './app.module';
import { publishOpenApi } from './docs/openapi.docs';

/** libs/contracts/proto of the repository (or image) this file runs from, whether from src or dist. */
function protoDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'contracts', 'proto');
    if (existsSync(join(candidate, 'subscriptions.proto'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`libs/contracts/proto not found above ${__dirname}`);
  }
}
const REQUEST_BODY_LIMIT = 1024 * 1024;

async function main(): Promise<void> {
  const config = exitOnConfigError(() => readSubscriptionsConfig());
  const tracing = exitOnConfigError(() => readTracingConfig());
  const protos = protoDir();
  const app = await bootstrapService({
    name: 'subscriptions',
    module: AppModule.forRoot(config),
    httpPort: config.httpPort,
    host: config.listenHost,
    grpc: {
      port: config.grpcPort,
      packageName: 'hookstream.v1',
      protoFiles: [
        join(protos, 'subscriptions.proto'),
        join(protos, 'events.proto'),
        join(protos, 'portal.proto'),
      ],
    },
    logLevel: config.logLevel,
    tracing,
    shutdownGraceMs: config.shutdownGraceMs,
    // An ingest request carries at least one whole event, whatever MAX_EVENT_BYTES allows.
    bodyLimitBytes: Math.max(REQUEST_BODY_LIMIT, config.maxEventBytes + 4096),
  });
  publishOpenApi(app);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `subscriptions failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
