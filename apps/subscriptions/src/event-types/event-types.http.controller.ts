import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
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
  @ApiOperation({
    operationId: 'listEventTypes',
    summary: 'List the event types the organization may subscribe to',
  })
  async list(@CurrentTenant() tenant: Tenant): Promise<EventTypeListResponse> {
    return { items: (await this.eventTypes.typesOf(tenant.organizationId)).map(toEventTypeResponse) };
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: EventTypeResponse })
  @ApiOperation({ operationId: 'registerEventType', summary: 'Register an event type with its JSON Schema' })
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
