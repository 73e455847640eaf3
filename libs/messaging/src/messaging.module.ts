import {
  Inject,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { HealthRegistry } from '@hookstream/platform';
import { backoffMs, sleep } from './backoff';
import { connectNats, natsConnectionHealth } from './connection';
import { ConsumerRunner } from './consumer';
import { DEFAULT_STOP_GRACE_MS } from './consumer-types';
import { defaultLogger, type MessagingLogger } from './logger';
import { JETSTREAM, JETSTREAM_MANAGER, MESSAGING_OPTIONS, NATS_CONNECTION } from './messaging.tokens';
import { Publisher } from './publisher';
import { provisionStreams, type StreamProvisioning } from './streams';

export interface MessagingModuleOptions {
  servers: string;
  /** Connection name, such as the service name. */
  name: string;
  /** Create or update the streams at start (services that write to them). */
  provision?: StreamProvisioning;
  /** How long running handlers may take to finish on shutdown (default 25 s). */
  shutdownGraceMs?: number;
  /** The service's logger; JSON lines at info without it. */
  logger?: MessagingLogger;
}

const loggerOf = (options: MessagingModuleOptions): MessagingLogger =>
  options.logger ?? defaultLogger('messaging');

async function createManager(nc: NatsConnection, options: MessagingModuleOptions): Promise<JetStreamManager> {
  const logger = loggerOf(options);
  // JetStream may answer a little after the server accepts connections (stream recovery).
  for (let attempt = 0; ; attempt++) {
    try {
      const jsm = await jetstreamManager(nc);
      if (options.provision) await provisionStreams(jsm, options.provision, logger);
      return jsm;
    } catch (err) {
      if (nc.isClosed()) throw err;
      const delay = backoffMs(attempt, 250, 5_000);
      logger.warn({ err, retryInMs: delay }, 'JetStream not ready; retrying');
      await sleep(delay);
    }
  }
}

/**
 * NATS and JetStream for a service: the connection, the JetStream client and manager, the
 * Publisher and the ConsumerRunner. On shutdown the consumers stop first (their handlers finish
 * or are handed back), then the connection drains, so every acknowledgement reaches the server.
 */
@Module({})
export class MessagingModule implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly runner: ConsumerRunner,
    @Optional() private readonly health?: HealthRegistry,
  ) {}

  static forRoot(given: MessagingModuleOptions): DynamicModule {
    const options = { ...given, logger: loggerOf(given) };
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connectNats({ servers: options.servers, name: options.name, logger: options.logger }),
        },
        {
          provide: JETSTREAM_MANAGER,
          useFactory: (nc: NatsConnection) => createManager(nc, options),
          inject: [NATS_CONNECTION],
        },
        {
          provide: JETSTREAM,
          // Depends on the manager so that nothing publishes before the streams exist.
          useFactory: (nc: NatsConnection, _jsm: JetStreamManager) => jetstream(nc),
          inject: [NATS_CONNECTION, JETSTREAM_MANAGER],
        },
        { provide: Publisher, useFactory: (js: JetStreamClient) => new Publisher(js), inject: [JETSTREAM] },
        {
          provide: ConsumerRunner,
          useFactory: (js: JetStreamClient, jsm: JetStreamManager, nc: NatsConnection) =>
            new ConsumerRunner(js, { jsm, nc, logger: options.logger }),
          inject: [JETSTREAM, JETSTREAM_MANAGER, NATS_CONNECTION],
        },
      ],
      exports: [MESSAGING_OPTIONS, NATS_CONNECTION, JETSTREAM, JETSTREAM_MANAGER, Publisher, ConsumerRunner],
    };
  }

  onModuleInit(): void {
    this.health?.register('nats', () => {
      const { healthy, detail } = natsConnectionHealth(this.nc);
      return { ok: healthy, detail };
    });
    this.health?.register('consumers', () => {
      const { healthy, detail } = this.runner.health();
      return { ok: healthy, detail };
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stopAll(this.options.shutdownGraceMs ?? DEFAULT_STOP_GRACE_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch (err) {
      loggerOf(this.options).warn({ err }, 'NATS drain failed');
      await this.nc.close();
    }
  }
}
