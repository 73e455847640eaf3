import { isEventType } from '../streams';
import { BUILT_IN_EVENT_TYPES } from './built-in-event-types';
import type { CatalogEntry, EventTypeDefinition } from './event-type';
import { SchemaCompiler, type DataValidator } from './schema-compiler';

export const MAX_DESCRIPTION_LENGTH = 1024;

export type RegisterResult =
  { ok: true; entry: CatalogEntry } | { ok: false; code: 'validation_failed' | 'conflict'; message: string };

export type ValidationResult =
  { ok: true } | { ok: false; code: 'unknown_type' | 'invalid_data'; message: string };

interface CustomType {
  entry: CatalogEntry;
  validate: DataValidator;
  release: () => void;
}

/**
 * The event catalog (docs/architecture.md §4): the built-in types shared by everyone, plus each
 * organization's own. Validators are compiled once per type and kept.
 */
export class EventCatalog {
  private readonly builtIns: ReadonlyMap<string, CatalogEntry>;
  /** Upper-cased built-in names: `test` beside `TEST` would only confuse subscribers. */
  private readonly reservedNames: ReadonlySet<string>;
  private readonly builtInValidators = new Map<string, DataValidator>();
  private readonly custom = new Map<string, Map<string, CustomType>>();
  private readonly compiler = new SchemaCompiler();

  constructor(builtIns: readonly EventTypeDefinition[] = BUILT_IN_EVENT_TYPES) {
    this.builtIns = new Map(
      builtIns.map((definition) => [definition.name, { ...definition, builtIn: true }]),
    );
    this.reservedNames = new Set(builtIns.map((definition) => definition.name.toUpperCase()));
  }

  /** Adds an organization's type, or replaces the organization's type of the same name. */
  register(organizationId: string, definition: EventTypeDefinition): RegisterResult {
    const { name, description, schema } = definition;
    const refuse = (message: string): RegisterResult => ({ ok: false, code: 'validation_failed', message });
    if (typeof name !== 'string' || !isEventType(name))
      return refuse(
        `event type name "${String(name)}" is not valid: dot-separated parts of [A-Za-z0-9_-], at most 128 characters`,
      );
    if (this.reservedNames.has(name.toUpperCase()))
      return {
        ok: false,
        code: 'conflict',
        message: `event type "${name}" clashes with a built-in event type`,
      };
    if (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH)
      return refuse(`description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`);
    const compiled = this.compiler.compile(schema);
    if (!compiled.ok) return refuse(`event type "${name}": ${compiled.message}`);
    const entry: CatalogEntry = { name, description, schema: structuredClone(schema), builtIn: false };
    const own = this.custom.get(organizationId) ?? new Map<string, CustomType>();
    own.get(name)?.release();
    own.set(name, { entry, validate: compiled.validate, release: compiled.release });
    this.custom.set(organizationId, own);
    return { ok: true, entry };
  }

  /** Removes an organization's own type; false when it has none of that name. */
  unregister(organizationId: string, name: string): boolean {
    const own = this.custom.get(organizationId);
    const found = own?.get(name);
    if (!own || !found) return false;
    found.release();
    own.delete(name);
    if (own.size === 0) this.custom.delete(organizationId);
    return true;
  }

  has(organizationId: string, type: string): boolean {
    return this.builtIns.has(type) || (this.custom.get(organizationId)?.has(type) ?? false);
  }

  /** Built-ins in catalog order, then the organization's own by name. */
  types(organizationId: string): CatalogEntry[] {
    const own = [...(this.custom.get(organizationId)?.values() ?? [])]
      .map((custom) => custom.entry)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [...this.builtIns.values(), ...own];
  }

  /** Checks an event's `data` against its type's schema; the message names the first failing location. */
  validate(organizationId: string, type: string, data: unknown): ValidationResult {
    const validator = this.builtInValidator(type) ?? this.custom.get(organizationId)?.get(type)?.validate;
    if (!validator) return { ok: false, code: 'unknown_type', message: `unknown event type "${type}"` };
    const result = validator(data);
    return result.ok ? result : { ok: false, code: 'invalid_data', message: result.message };
  }

  private builtInValidator(type: string): DataValidator | undefined {
    const cached = this.builtInValidators.get(type);
    if (cached) return cached;
    const entry = this.builtIns.get(type);
    if (!entry) return undefined;
    const compiled = this.compiler.compile(entry.schema);
    if (!compiled.ok)
      throw new Error(`built-in event type "${type}" has an invalid schema: ${compiled.message}`);
    this.builtInValidators.set(type, compiled.validate);
    return compiled.validate;
  }
}
