import { Inject, Injectable } from '@nestjs/common';
import type { Clock, IdGenerator } from '@hookstream/contracts';
import { conflict } from '@hookstream/platform';
import { CLOCK, ID_GENERATOR } from '../subscriptions.tokens';
import { OrganizationEntity } from './organization.entity';
import { OrganizationsStore } from './organizations.store';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly store: OrganizationsStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async create(input: { id?: string; name: string }): Promise<OrganizationEntity> {
    const row = Object.assign(new OrganizationEntity(), {
      id: input.id ?? this.ids.next('org'),
      name: input.name,
      createdAt: this.clock.now(),
    });
    if (!(await this.store.insert(row))) throw conflict(`organization ${row.id} already exists`);
    return row;
  }
}
