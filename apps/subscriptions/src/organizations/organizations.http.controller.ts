import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AdminGuard } from '@hookstream/platform';
import { CreateOrganizationDto, OrganizationResponse, toOrganizationResponse } from './organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('admin')
@ApiBearerAuth('admin-token')
@UseGuards(AdminGuard)
@Controller('admin/organizations')
export class OrganizationsHttpController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiOperation({ operationId: 'createOrganization', summary: 'Create an organization' })
  async create(@Body() body: CreateOrganizationDto): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.organizations.create(body));
  }
}
