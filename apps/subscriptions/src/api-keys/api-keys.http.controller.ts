import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminGuard } from '@hookstream/platform';
import { ApiKeyCreatedResponse, CreateApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('admin')
@ApiBearerAuth('admin-token')
@UseGuards(AdminGuard)
@Controller('admin/api-keys')
export class ApiKeysHttpController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: ApiKeyCreatedResponse })
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an API key (shown once)' })
  create(@Body() body: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.apiKeys.create(body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: the key is refused from now on.' })
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key' })
  async revoke(@Param('id') id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
