import { Module, type DynamicModule } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import { JETSTREAM_MANAGER, MessagingModule } from '@hookstream/messaging';
import { createLogger, PlatformModule } from '@hookstream/platform';
import { AttemptRunner } from './delivery/attempt-runner.service';
import { DeliveryConsumers } from './delivery/delivery.consumer';
import { EndpointCircuits } from './delivery/endpoint-circuits.service';
import { ParkedDrains } from './delivery/parked-drains.service';
import { Throttle } from './delivery/throttle.service';
import { ParkedQueues } from './delivery/parked-queues.service';
import { Disabler } from './disabling/disabler.service';
import { FailureHistory } from './disabling/failure-history.queries';
import type { DispatcherConfig } from './dispatcher.config';
import { DispatcherLifecycle } from './dispatcher.lifecycle';
import { DispatcherMetrics } from './dispatcher.metrics';
import { FanoutConsumer } from './fanout/fanout.consumer';
import { OrderedFanout } from './ordering/ordered-fanout.consumer';
import { OrderedQueues } from './ordering/ordered-queues.service';
import { OrderingLeases } from './ordering/ordering-leases.service';
import { RoutingService } from './routing/routing.service';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER, FAILURE_HISTORY } from './dispatcher.tokens';

/** The dispatcher: NATS in, HTTP out. No Postgres: readiness is NATS, its consumers and the routing table. */
@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig): DynamicModule {
    const logger = createLogger('dispatcher', config.logLevel);
    return {
      module: DispatcherModule,
      imports: [
        PlatformModule.forRoot(),
        MessagingModule.forRoot({
          servers: config.natsUrl,
          name: 'dispatcher',
          provision: {
            replicas: config.streamReplicas,
            eventsMaxAgeMs: config.eventsMaxAgeMs,
            deliveriesMaxAgeMs: config.deliveriesMaxAgeMs,
          },
          shutdownGraceMs: config.shutdownGraceMs,
          logger,
        }),
      ],
      providers: [
        { provide: DISPATCHER_CONFIG, useValue: config },
        { provide: DISPATCHER_LOGGER, useValue: logger },
        DispatcherMetrics,
        RoutingService,
        {
          provide: FAILURE_HISTORY,
          useFactory: (jsm: JetStreamManager) => new FailureHistory(jsm),
          inject: [JETSTREAM_MANAGER],
        },
        Disabler,
        EndpointCircuits,
        ParkedQueues,
        AttemptRunner,
        ParkedDrains,
        Throttle,
        DeliveryConsumers,
        FanoutConsumer,
        OrderingLeases,
        OrderedFanout,
        OrderedQueues,
        DispatcherLifecycle,
      ],
    };
  }
}
