import { Module } from '@nestjs/common';
import { EventTypesGrpcController } from './event-types.grpc.controller';
import { EventTypesHttpController } from './event-types.http.controller';
import { EventTypesService } from './event-types.service';
import { EventTypesStore } from './event-types.store';

@Module({
  controllers: [EventTypesHttpController, EventTypesGrpcController],
  providers: [EventTypesService, EventTypesStore],
  exports: [EventTypesService],
})
export class EventTypesModule {}
