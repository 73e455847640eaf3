import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { systemClock, ulidIds } from '@hookstream/contracts';
import { MessagingModule } from '@hookstream/messaging';
import { IdempotencyInterceptor, IdempotencyStore, PlatformModule } from '@hookstream/platform';
import { ApiKeysStore } from './api-keys/api-keys.store';
import type { SubscriptionsConfig } from './app.config';
import { CLOCK, CONFIG, IDS } from './app.tokens';
import { runMigrationsLocked, subscriptionsDataSourceOptions } from './database/data-source';
import { DocsModule } from './docs/docs.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { OutboxModule } from './outbox/outbox.module';
import { PortalModule } from './portal/portal.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';

/** The configuration, clock and id generator every feature injects. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: SubscriptionsConfig): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: config },
      { provide: CLOCK, useValue: systemClock },
      { provide: IDS, useValue: ulidIds },
    ];
    return { module: CoreModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: SubscriptionsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        PlatformModule.forRoot({
          adminToken: config.ADMIN_TOKEN,
          portalSigningKey: config.PORTAL_SIGNING_KEY,
          apiKeyLookup: ApiKeysStore,
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => subscriptionsDataSourceOptions(config.DATABASE_URL),
          // Migrations run before anything else touches the tables, under the shared advisory lock.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
        MessagingModule.forRoot({
          servers: config.NATS_URL,
          name: 'subscriptions',
          provision: {
            replicas: config.JETSTREAM_REPLICAS,
            eventsMaxAgeMs: config.EVENTS_MAX_AGE,
            deliveriesMaxAgeMs: config.DELIVERIES_MAX_AGE,
          },
          shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
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
