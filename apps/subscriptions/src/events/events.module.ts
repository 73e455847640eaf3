import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { EventsGrpcController } from './events.grpc.controller';
import { EventsHttpController } from './events.http.controller';
import { EventsService } from './events.service';

@Module({
  imports: [EventTypesModule],
  controllers: [EventsHttpController, EventsGrpcController],
  providers: [EventsService],
})
export class EventsModule {}
