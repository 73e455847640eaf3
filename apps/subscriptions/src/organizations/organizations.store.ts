import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
  );
}

/** The `organizations` table. */
@Injectable()
export class OrganizationsStore {
  constructor(private readonly dataSource: DataSource) {}

  /** False, nothing written, when an organization of that id exists already. */
  async insert(row: OrganizationEntity): Promise<boolean> {
    try {
      await this.dataSource.getRepository(OrganizationEntity).insert(row);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
