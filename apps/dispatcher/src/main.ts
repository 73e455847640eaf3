import 'reflect-metadata';
import { bootstrapService, exitOnConfigError, readTracingConfig } from '@hookstream/platform';
import { readDispatcherConfig } from './dispatcher.config';
import { DispatcherModule } from './dispatcher.module';

/** Time left after the attempts' grace for closing pools and draining NATS. */
const CLOSE_MARGIN_MS = 5_000;

async function main(): Promise<void> {
  const config = exitOnConfigError(() => readDispatcherConfig());
  const tracing = exitOnConfigError(() => readTracingConfig());
  await bootstrapService({
    name: 'dispatcher',
    module: DispatcherModule.forRoot(config),
    httpPort: config.httpPort,
    host: config.listenHost,
    logLevel: config.logLevel,
    tracing,
    shutdownGraceMs: config.shutdownGraceMs + CLOSE_MARGIN_MS,
  });
}

void main();
