import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { systemClock, ulidIds } from '@hookstream/contracts';
import { MessagingModule } from '@hookstream/messaging';
import { IdempotencyInterceptor, IdempotencyStore, PlatformModule } from '@hookstream/platform';
import { ApiKeyLookupQueries } from './api-keys/api-key-lookup.queries';
import { CLOCK, ID_GENERATOR } from './app.tokens';
import { DeliveriesGrpcController } from './deliveries-grpc/deliveries.grpc.controller';
import { DispatchRetryService } from './dispatches/dispatch-retry.service';
import { DispatchesHttpController } from './dispatches/dispatches.http.controller';
import { DispatchesQueries } from './dispatches/dispatches.queries';
import { LOG_PROJECTOR_CONFIG, type LogProjectorConfig } from './log-projector.config';
import { DeliveryLogQueries } from './logs/delivery-log.queries';
import { LogsHttpController } from './logs/logs.http.controller';
import { PortalHttpController } from './portal/portal.http.controller';
import { PortalQueries } from './portal/portal.queries';
import { ProjectorPortalScope } from './portal/portal.scope';
import { OutcomeFeed } from './projector/outcome.feed';
import { ProjectionSchemaService } from './tables/projection-schema.service';
import { logProjectorDataSourceOptions } from './tables/projection.schema';
import { ProjectorService } from './projector/projector.service';
import { SubscriptionDirectory } from './subscriptions/subscription-directory';

@Module({})
export class LogProjectorModule {
  static forRoot(config: LogProjectorConfig): DynamicModule {
    return {
      module: LogProjectorModule,
      imports: [
        PlatformModule.forRoot({
          portalSigningKey: config.PORTAL_SIGNING_KEY,
          apiKeyLookup: ApiKeyLookupQueries,
        }),
        TypeOrmModule.forRoot(logProjectorDataSourceOptions(config.DATABASE_URL)),
        MessagingModule.forRoot({
          servers: config.NATS_URL,
          name: 'log-projector',
          // The projector publishes manual retries to DELIVERIES, so it may be the first to need the streams.
          provision: {
            replicas: config.JETSTREAM_REPLICAS,
            eventsMaxAgeMs: config.EVENTS_MAX_AGE,
            deliveriesMaxAgeMs: config.DELIVERIES_MAX_AGE,
          },
          shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
        }),
      ],
      controllers: [
        LogsHttpController,
        DispatchesHttpController,
        DeliveriesGrpcController,
        PortalHttpController,
      ],
      providers: [
        { provide: LOG_PROJECTOR_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: ulidIds },
        ProjectionSchemaService,
        OutcomeFeed,
        ProjectorService,
        SubscriptionDirectory,
        DeliveryLogQueries,
        DispatchesQueries,
        DispatchRetryService,
        {
          provide: APP_INTERCEPTOR,
          useFactory: (dataSource: DataSource) =>
            new IdempotencyInterceptor(new IdempotencyStore(dataSource, 'log_projector_idempotency_keys')),
          inject: [DataSource],
        },
        PortalQueries,
        ProjectorPortalScope,
      ],
    };
  }
}
