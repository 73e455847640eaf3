import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { PortalPageHttpController } from './portal-page.http.controller';
import { PortalSessionsHttpController } from './portal-sessions.http.controller';
import { PortalScopeQueries } from './portal.scope';

@Module({
  imports: [EventTypesModule],
  controllers: [PortalSessionsHttpController, PortalPageHttpController],
  providers: [PortalScopeQueries],
})
export class PortalModule {}
