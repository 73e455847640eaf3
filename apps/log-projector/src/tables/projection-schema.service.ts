import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@hookstream/platform';
import { LOG_PROJECTOR_LOGGER } from '../log-projector.tokens';
import { migrateProjection } from './projection-schema.sql';

/** Applies the projection's migrations at boot, under the advisory lock shared by every service. */
@Injectable()
export class ProjectionSchemaService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOG_PROJECTOR_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrateProjection(this.dataSource);
    if (applied.length > 0) this.logger.info({ migrations: applied }, 'migrations applied');
  }
}
