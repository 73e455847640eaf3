import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { PortalPageHttpController } from './portal-page.http.controller';
import { PortalSessionsHttpController } from './portal-sessions.http.controller';
import { PortalSessionsService } from './portal-sessions.service';
import { PortalGrpcController } from './portal.grpc.controller';
import { PortalScopeQueries } from './portal-scope.queries';

@Module({
  imports: [EventTypesModule, SubscriptionsModule],
  controllers: [PortalSessionsHttpController, PortalPageHttpController, PortalGrpcController],
  providers: [PortalScopeQueries, PortalSessionsService],
})
export class PortalModule {}
