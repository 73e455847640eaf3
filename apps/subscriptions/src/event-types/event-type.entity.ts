import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonSchema } from '@hookstream/contracts';

/** An organization's own event type; built-in types live in code, not here. */
@Entity('event_types')
export class EventTypeEntity {
  @PrimaryColumn('text', { name: 'organization_id' })
  organizationId: string;

  @PrimaryColumn('text')
  name: string;

  @Column('text')
  description: string;

  @Column('jsonb')
  schema: JsonSchema;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
