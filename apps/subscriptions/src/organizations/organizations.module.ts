import { Module } from '@nestjs/common';
import { ApiKeysHttpController } from '../api-keys/api-keys.http.controller';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ApiKeysStore } from '../api-keys/api-keys.store';
import { OrganizationsHttpController } from './organizations.http.controller';
import { OrganizationsService } from './organizations.service';
import { OrganizationsStore } from './organizations.store';

/** Tenancy: organizations and the API keys that act for them (the admin API). */
@Module({
  controllers: [OrganizationsHttpController, ApiKeysHttpController],
  providers: [OrganizationsService, OrganizationsStore, ApiKeysService, ApiKeysStore],
  exports: [OrganizationsService, ApiKeysService],
})
export class OrganizationsModule {}
