import { dirname } from 'node:path';
import {
  type INestApplication,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type IEntryNestModule, NestFactory } from '@nestjs/core';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HttpErrorFilter } from './errors.filters';
import { addStandardGrpcServices } from './grpc-standard';
import { HealthRegistry } from './health';
import { fromBodyParserError } from './errors.mapping';
import { createLogger, type Logger, NestPinoLogger } from './logger';
import { requireJsonBodies } from './media-type';
import { httpMetricsMiddleware } from './metrics';
import { startTracing, type StartedTracing } from './tracing';
import type { TracingConfig } from './tracing.config';
import { createValidationPipe } from './validation';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface GrpcServerOptions {
  port: number;
  packageName: string | string[];
  protoFiles: string[];
  /** Where `import` statements of the protos are resolved; defaults to the protos' folders. */
  includeDirs?: string[];
}

export interface BootstrapOptions {
  name: string;
  module: IEntryNestModule;
  httpPort: number;
  /** HTTP and gRPC bind 0.0.0.0 unless given (tests bind 127.0.0.1). */
  host?: string;
  grpc?: GrpcServerOptions;
  logLevel?: string;
  /** After SIGTERM/SIGINT the process exits at the latest this long later, even if closing hangs. */
  shutdownGraceMs?: number;
  bodyLimitBytes?: number;
  /** OTEL_* variables (readTracingConfig): spans are made and exported only when an endpoint is set. */
  tracing?: TracingConfig;
}

type ErrorMiddleware = (
  error: unknown,
  request: unknown,
  response: unknown,
  next: (error?: unknown) => void,
) => void;

/** body-parser failures become domain errors before Nest sees them, so invalid JSON keeps its own type. */
const bodyParserErrors: ErrorMiddleware = (error, _request, _response, next) =>
  next(fromBodyParserError(error) ?? error);

/**
 * The HTTP behaviour every service shares: JSON bodies up to the limit, error bodies, validation,
 * request metrics. For apps created with `bodyParser: false` (bootstrapService, or tests building
 * their own app from a testing module).
 */
export function configureHttpApp(
  app: NestExpressApplication,
  options: { logger?: Logger; bodyLimitBytes?: number } = {},
): void {
  const logger = options.logger ?? createLogger('http');
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware());
  app.use(requireJsonBodies());
  app.useBodyParser('json', { limit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES });
  app.use(bodyParserErrors);
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.useGlobalPipes(createValidationPipe());
}

function connectGrpc(app: INestApplication, grpc: GrpcServerOptions, host: string): void {
  let stopStandard: (() => void) | undefined;
  (app.getHttpServer() as NodeJS.EventEmitter).once('close', () => stopStandard?.());
  const options: GrpcOptions = {
    transport: Transport.GRPC,
    options: {
      url: `${host}:${grpc.port}`,
      package: grpc.packageName,
      protoPath: grpc.protoFiles,
      loader: {
        keepCase: true,
        longs: String,
        enums: String,
        defaults: true,
        oneofs: true,
        includeDirs: grpc.includeDirs ?? [...new Set(grpc.protoFiles.map((file) => dirname(file)))],
      },
      onLoadPackageDefinition: (definition: PackageDefinition, server: Server) => {
        stopStandard = addStandardGrpcServices(server, definition, app.get(HealthRegistry));
      },
    },
  };
  // The gRPC server shares the app's filters and pipes: Nest binds a hybrid microservice's handlers
  // as it connects, too early for filters of its own. HttpErrorFilter answers rpc calls in gRPC terms.
  app.connectMicroservice(options, { inheritAppConfig: true });
}

/** Bounds shutdown: Kubernetes kills at its own deadline anyway, better to exit with a log line first. */
function boundShutdown(app: INestApplication, graceMs: number, logger: Logger): void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown did not finish within the grace period, exiting');
      process.exit(1);
    }, graceMs).unref();
  };
  for (const signal of signals) process.once(signal, onSignal);
  (app.getHttpServer() as NodeJS.EventEmitter).once('close', () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  });
}

const STARTED_TRACING = Symbol('STARTED_TRACING');

/** Flushes the spans still buffered once the service's own shutdown hooks have run. */
class TracingShutdown implements OnApplicationShutdown {
  constructor(private readonly tracing: StartedTracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown().catch(() => undefined);
  }
}

@Module({})
class TracedRoot {}

/** The service's module, under a root whose shutdown hook runs last (Nest closes the deepest modules first). */
function withTracing(module: IEntryNestModule, tracing: StartedTracing): DynamicModule {
  return {
    module: TracedRoot,
    imports: [module] as DynamicModule['imports'],
    providers: [
      { provide: STARTED_TRACING, useValue: tracing },
      {
        provide: TracingShutdown,
        useFactory: (started: StartedTracing) => new TracingShutdown(started),
        inject: [STARTED_TRACING],
      },
    ],
  };
}

/** Creates, configures and starts one service: HTTP (and gRPC when asked) on all interfaces. */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  const logger = createLogger(options.name, options.logLevel ?? 'info');
  // Before the modules are built: their providers take the tracer when they are constructed.
  const tracing = options.tracing === undefined ? undefined : startTracing(options.name, options.tracing);
  if (tracing) logger.info({ traces: new URL(options.tracing!.tracesUrl!).origin }, 'tracing on');
  const root = tracing === undefined ? options.module : withTracing(options.module, tracing);
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, { logger, bodyLimitBytes: options.bodyLimitBytes });
  app.enableShutdownHooks();
  boundShutdown(app, options.shutdownGraceMs ?? 25_000, logger);
  const host = options.host ?? '0.0.0.0';
  try {
    if (options.grpc) {
      connectGrpc(app, options.grpc, host);
      await app.startAllMicroservices();
    }
    await app.listen(options.httpPort, host);
  } catch (err) {
    // A port taken or a bad address: release what the modules opened (pools, consumers) before failing.
    await app.close().catch(() => undefined);
    throw err;
  }
  logger.info({ httpPort: options.httpPort, grpcPort: options.grpc?.port, host }, 'listening');
  return app;
}
