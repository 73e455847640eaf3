import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type CatalogEntry, type Clock, EventCatalog } from '@hookstream/contracts';
import { DomainError, conflict } from '@hookstream/platform';
import { CLOCK } from '../subscriptions.tokens';
import type { EventTypeEntity } from './event-type.entity';
import { EventTypesStore } from './event-types.store';

/** An unknown type triggers at most one reload per organization in this period (bad traffic stays cheap). */
const MISS_RELOAD_INTERVAL_MS = 1000;

/**
 * The catalog of this process: built-in types plus every organization's own, loaded from
 * Postgres. Another replica may register a type at any time, so a lookup that misses (and every
 * subscription write, which is rare) reads the organization's types again first.
 */
@Injectable()
export class EventTypesService implements OnModuleInit {
  readonly catalog = new EventCatalog();
  private readonly loadedAt = new Map<string, number>();

  constructor(
    private readonly store: EventTypesStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const rows = await this.store.all();
    for (const row of rows) this.apply(row);
  }

  /** Every type the organization may use, freshly read. */
  async typesOf(organizationId: string): Promise<CatalogEntry[]> {
    await this.reload(organizationId);
    return this.catalog.types(organizationId);
  }

  /** Whether the type exists for the organization; a miss rereads the organization's types (rate-bounded). */
  async has(organizationId: string, type: string): Promise<boolean> {
    if (this.catalog.has(organizationId, type)) return true;
    const last = this.loadedAt.get(organizationId) ?? 0;
    if (this.clock.now().getTime() - last < MISS_RELOAD_INTERVAL_MS) return false;
    await this.reload(organizationId);
    return this.catalog.has(organizationId, type);
  }

  async register(
    organizationId: string,
    input: { name: string; description: string; schema: Record<string, unknown> },
  ) {
    await this.reload(organizationId);
    if (this.catalog.has(organizationId, input.name))
      throw conflict(`event type "${input.name}" already exists`);
    const result = this.catalog.register(organizationId, input);
    if (!result.ok) throw new DomainError(result.code, result.message);
    const row: EventTypeEntity = {
      organizationId,
      name: input.name,
      description: input.description,
      schema: input.schema,
      createdAt: this.clock.now(),
    };
    let inserted: boolean;
    try {
      inserted = await this.store.insert(row);
    } catch (error) {
      // The catalog must not keep what the database refused.
      await this.reload(organizationId);
      throw error;
    }
    if (!inserted) {
      // A concurrent registration won: the catalog takes the stored type instead.
      await this.reload(organizationId);
      throw conflict(`event type "${input.name}" already exists`);
    }
    return result.entry;
  }

  private async reload(organizationId: string): Promise<void> {
    const rows = await this.store.ofOrganization(organizationId);
    const names = new Set(rows.map((row) => row.name));
    for (const entry of this.catalog.types(organizationId))
      if (!entry.builtIn && !names.has(entry.name)) this.catalog.unregister(organizationId, entry.name);
    for (const row of rows) this.apply(row);
    this.loadedAt.set(organizationId, this.clock.now().getTime());
  }

  private apply(row: EventTypeEntity): void {
    const known = this.catalog.types(row.organizationId).find((entry) => entry.name === row.name);
    if (
      known &&
      JSON.stringify(known.schema) === JSON.stringify(row.schema) &&
      known.description === row.description
    )
      return;
    // Stored types were valid when registered; a failure here means the schema compiler changed.
    this.catalog.register(row.organizationId, {
      name: row.name,
      description: row.description,
      schema: row.schema,
    });
  }
}
