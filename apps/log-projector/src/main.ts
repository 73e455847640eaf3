import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bootstrapService, exitOnConfigError, readTracingConfig } from '@hookstream/platform';
import { readLogProjectorConfig } from './log-projector.config';
import { LogProjectorModule } from './log-projector.module';

/** libs/contracts/proto of the repository (or image) this file runs from, whether from src or dist. */
function deliveriesProto(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'contracts', 'proto', 'deliveries.proto');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir)
      throw new Error(`libs/contracts/proto/deliveries.proto not found above ${__dirname}`);
  }
}

async function main(): Promise<void> {
  const config = readLogProjectorConfig();
  await bootstrapService({
    name: 'log-projector',
    module: LogProjectorModule.forRoot(config),
    httpPort: config.httpPort,
    host: config.listenHost,
    grpc: { port: config.grpcPort, packageName: 'hookstream.v1', protoFiles: [deliveriesProto()] },
    logLevel: config.logLevel,
    tracing: readTracingConfig(),
    shutdownGraceMs: config.shutdownGraceMs,
  });
}

void exitOnConfigError(main);
