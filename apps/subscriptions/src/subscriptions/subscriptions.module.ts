import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SubscriptionDeliveriesService } from './subscription-deliveries.service';
import { SubscriptionsDisabler } from './subscriptions-disabler.consumer';
import { SubscriptionsGrpcController } from './subscriptions.grpc.controller';
import { SubscriptionsHttpController } from './subscriptions.http.controller';
import { SubscriptionCircuitsService } from './subscription-circuits.service';
import { SubscriptionFilterTestGrpcController } from './subscription-filter-test.grpc.controller';
import { SubscriptionFilterTestService } from './subscription-filter-test.service';
import { SubscriptionStore } from './subscription.store';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [EventTypesModule, OutboxModule],
  controllers: [
    SubscriptionsHttpController,
    SubscriptionsGrpcController,
    SubscriptionFilterTestGrpcController,
  ],
  providers: [
    SubscriptionStore,
    SubscriptionsService,
    SubscriptionDeliveriesService,
    SubscriptionCircuitsService,
    SubscriptionFilterTestService,
    SubscriptionsDisabler,
  ],
  exports: [SubscriptionStore],
})
export class SubscriptionsModule {}
