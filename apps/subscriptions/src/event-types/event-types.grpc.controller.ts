import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { CatalogEntry } from '@hookstream/contracts';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import { parseJsonObject } from '../common/grpc.decode';
import { validateInput } from '../common/validation.rules';
import { RegisterEventTypeDto } from './event-type.dto';
import { EventTypesService } from './event-types.service';

interface GrpcEventType {
  name: string;
  description: string;
  schema_json: string;
  built_in: boolean;
}

function toGrpcEventType(entry: CatalogEntry): GrpcEventType {
  return {
    name: entry.name,
    description: entry.description,
    schema_json: JSON.stringify(entry.schema),
    built_in: entry.builtIn,
  };
}

/** The catalog half of hookstream.v1.Events. */
@Controller()
@UseGuards(ApiKeyGuard)
export class EventTypesGrpcController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @GrpcMethod('Events', 'ListEventTypes')
  async list(
    @Payload() _request: unknown,
    @CurrentTenant() tenant: Tenant,
  ): Promise<{ items: GrpcEventType[] }> {
    return { items: (await this.eventTypes.typesOf(tenant.organizationId)).map(toGrpcEventType) };
  }

  @GrpcMethod('Events', 'RegisterEventType')
  async register(
    @Payload() request: { name: string; description: string; schema_json: string },
    @CurrentTenant() tenant: Tenant,
  ): Promise<GrpcEventType> {
    const dto = validateInput(RegisterEventTypeDto, {
      name: request.name,
      description: request.description,
      schema: parseJsonObject('schema_json', request.schema_json),
    });
    const entry = await this.eventTypes.register(tenant.organizationId, {
      name: dto.name,
      description: dto.description ?? '',
      schema: dto.schema,
    });
    return toGrpcEventType(entry);
  }
}
