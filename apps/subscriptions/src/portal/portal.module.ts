import { Module } from '@nestjs/common';
import { PortalPageHttpController } from './portal-page.http.controller';
import { PortalSessionsHttpController } from './portal-sessions.http.controller';
import { PortalScopeQueries } from './portal.scope';

@Module({
  controllers: [PortalSessionsHttpController, PortalPageHttpController],
  providers: [PortalScopeQueries],
})
export class PortalModule {}
