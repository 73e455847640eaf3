import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUniqueViolation } from '../organizations/organizations.store';
import { EventTypeEntity } from './event-type.entity';

/** The `event_types` table: each organization's own event types. */
@Injectable()
export class EventTypesStore {
  constructor(private readonly dataSource: DataSource) {}

  all(): Promise<EventTypeEntity[]> {
    return this.dataSource.getRepository(EventTypeEntity).find();
  }

  ofOrganization(organizationId: string): Promise<EventTypeEntity[]> {
    return this.dataSource.getRepository(EventTypeEntity).findBy({ organizationId });
  }

  /** False, nothing written, when the organization has a type of that name already. */
  async insert(row: EventTypeEntity): Promise<boolean> {
    try {
      await this.dataSource
        .getRepository(EventTypeEntity)
        .insert(row as QueryDeepPartialEntity<EventTypeEntity>);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
