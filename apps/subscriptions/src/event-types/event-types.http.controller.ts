import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import {
  EventTypeListResponse,
  EventTypeResponse,
  RegisterEventTypeDto,
  toEventTypeResponse,
} from './event-type.dto';
import { EventTypesService } from './event-types.service';

@ApiTags('event-types')
@ApiBearerAuth('api-key')
@ApiHeader({ name: 'X-Organization-Id', required: false })
@UseGuards(ApiKeyGuard)
@Controller('event-types')
export class EventTypesHttpController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @Get()
  @ApiOkResponse({ type: EventTypeListResponse })
  async list(@CurrentTenant() tenant: Tenant): Promise<EventTypeListResponse> {
    return { items: (await this.eventTypes.typesOf(tenant.organizationId)).map(toEventTypeResponse) };
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: EventTypeResponse })
  async register(
    @CurrentTenant() tenant: Tenant,
    @Body() body: RegisterEventTypeDto,
  ): Promise<EventTypeResponse> {
    const entry = await this.eventTypes.register(tenant.organizationId, {
      name: body.name,
      description: body.description ?? '',
      schema: body.schema,
    });
    return toEventTypeResponse(entry);
  }
}
