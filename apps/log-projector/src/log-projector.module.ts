import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { systemClock, ulidIds } from '@hookstream/contracts';
import { MessagingModule } from '@hookstream/messaging';
import { createLogger, IdempotencyInterceptor, IdempotencyStore, PlatformModule } from '@hookstream/platform';
import { ApiKeyLookupQueries } from './api-keys/api-key-lookup.queries';
import { CLOCK, ID_GENERATOR, LOG_PROJECTOR_CONFIG, LOG_PROJECTOR_LOGGER } from './log-projector.tokens';
import { DeliveriesGrpcController } from './deliveries-grpc/deliveries.grpc.controller';
import { DispatchRetryService } from './dispatches/dispatch-retry.service';
import { DispatchesHttpController } from './dispatches/dispatches.http.controller';
import { DispatchesQueries } from './dispatches/dispatches.queries';
import type { LogProjectorConfig } from './log-projector.config';
import { LogProjectorMetrics } from './log-projector.metrics';
import { DeliveryLogQueries } from './logs/delivery-log.queries';
import { LogsHttpController } from './logs/logs.http.controller';
import { PortalHttpController } from './portal/portal.http.controller';
import { PortalQueries } from './portal/portal.queries';
import { ProjectorPortalScope } from './portal/portal-scope.queries';
import { OutcomeFeed } from './projector/outcome-feed.service';
import { ProjectionSchemaService } from './tables/projection-schema.service';
import { logProjectorDataSourceOptions } from './tables/projection-schema.sql';
import { ProjectorService } from './projector/projector.service';
import { SubscriptionDirectory } from './subscriptions/subscription-directory.consumer';

@Module({})
export class LogProjectorModule {
  static forRoot(config: LogProjectorConfig): DynamicModule {
    const logger = createLogger('log-projector', config.logLevel);
    return {
      module: LogProjectorModule,
      imports: [
        PlatformModule.forRoot({
          portalSigningKey: config.portalSigningKey,
          apiKeyLookup: ApiKeyLookupQueries,
        }),
        TypeOrmModule.forRoot(logProjectorDataSourceOptions(config.databaseUrl)),
        MessagingModule.forRoot({
          servers: config.natsUrl,
          name: 'log-projector',
          // The projector publishes manual retries to DELIVERIES, so it may be the first to need the streams.
          provision: {
            replicas: config.streamReplicas,
            eventsMaxAgeMs: config.eventsMaxAgeMs,
            deliveriesMaxAgeMs: config.deliveriesMaxAgeMs,
          },
          shutdownGraceMs: config.shutdownGraceMs,
          logger,
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
        { provide: LOG_PROJECTOR_LOGGER, useValue: logger },
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: ulidIds },
        LogProjectorMetrics,
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
