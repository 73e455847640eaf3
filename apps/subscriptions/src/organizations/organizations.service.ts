import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import type { Clock, IdGenerator } from '@hookstream/contracts';
import { conflict } from '@hookstream/platform';
import { CLOCK, ID_GENERATOR } from '../subscriptions.tokens';
import { OrganizationEntity } from './organization.entity';

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
  );
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async create(input: { id?: string; name: string }): Promise<OrganizationEntity> {
    const row = Object.assign(new OrganizationEntity(), {
      id: input.id ?? this.ids.next('org'),
      name: input.name,
      createdAt: this.clock.now(),
    });
    try {
      await this.dataSource.getRepository(OrganizationEntity).insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`organization ${row.id} already exists`);
      throw error;
    }
    return row;
  }
}
