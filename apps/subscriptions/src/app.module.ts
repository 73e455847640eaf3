import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { systemClock, ulidIds } from '@hookstream/contracts';
import { MessagingModule } from '@hookstream/messaging';
import {
  createLogger,
  IdempotencyInterceptor,
  IdempotencyStore,
  type Logger,
  PlatformModule,
} from '@hookstream/platform';
import { ApiKeysStore } from './api-keys/api-keys.store';
import type { SubscriptionsConfig } from './subscriptions.config';
import { CLOCK, ID_GENERATOR, SUBSCRIPTIONS_CONFIG, SUBSCRIPTIONS_LOGGER } from './subscriptions.tokens';
import { runMigrationsLocked, subscriptionsDataSourceOptions } from './database/data-source.config';
import { DocsModule } from './docs/docs.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { OutboxModule } from './outbox/outbox.module';
import { PortalModule } from './portal/portal.module';
import { SubscriptionsMetrics } from './subscriptions.metrics';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';

/** The configuration, logger, metrics, clock and id generator every feature injects. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: SubscriptionsConfig, logger: Logger): DynamicModule {
    const values = [
      { provide: SUBSCRIPTIONS_CONFIG, useValue: config },
      { provide: CLOCK, useValue: systemClock },
      { provide: ID_GENERATOR, useValue: ulidIds },
      { provide: SUBSCRIPTIONS_LOGGER, useValue: logger },
    ];
    return {
      module: CoreModule,
      providers: [...values, SubscriptionsMetrics],
      exports: [...values.map((provider) => provider.provide), SubscriptionsMetrics],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: SubscriptionsConfig): DynamicModule {
    const logger = createLogger('subscriptions', config.logLevel);
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PlatformModule.forRoot({
          adminToken: config.adminToken,
          portalSigningKey: config.portalSigningKey,
          apiKeyLookup: ApiKeysStore,
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => subscriptionsDataSourceOptions(config.databaseUrl),
          // Migrations run before anything else touches the tables, under the shared advisory lock.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
        MessagingModule.forRoot({
          servers: config.natsUrl,
          name: 'subscriptions',
          provision: {
            replicas: config.streamReplicas,
            eventsMaxAgeMs: config.eventsMaxAgeMs,
            deliveriesMaxAgeMs: config.deliveriesMaxAgeMs,
          },
          shutdownGraceMs: config.shutdownGraceMs,
          logger,
        }),
        OrganizationsModule,
        EventTypesModule,
        OutboxModule,
        SubscriptionsModule,
        EventsModule,
        DocsModule,
        PortalModule,
      ],
      providers: [
        {
          provide: APP_INTERCEPTOR,
          useFactory: (dataSource: DataSource) =>
            new IdempotencyInterceptor(new IdempotencyStore(dataSource, 'idempotency_keys')),
          inject: [DataSource],
        },
      ],
    };
  }
}
