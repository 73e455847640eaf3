/** A JSON Schema object (draft 2020-12 unless its `$schema` names 2019-09 or draft-07). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** An event type of the catalog (docs/architecture.md §4): its name and the JSON Schema of its `data`. */
export interface EventTypeDefinition {
  name: string;
  description: string;
  schema: JsonSchema;
}

export interface CatalogEntry extends EventTypeDefinition {
  /** Built-in types are shared by every organization and cannot be replaced. */
  builtIn: boolean;
}

export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Schema fragments shared by the built-in schemas. Optional fields accept null: producers send null for "absent". */
export const fragments = {
  id: { type: 'string', minLength: 1 },
  string: { type: 'string' },
  optionalString: { type: ['string', 'null'] },
  dateTime: { type: 'string', format: 'date-time' },
  optionalDateTime: { type: ['string', 'null'], format: 'date-time' },
  optionalObject: { type: ['object', 'null'] },
  optionalBoolean: { type: ['boolean', 'null'] },
  optionalCount: { type: ['integer', 'null'], minimum: 0 },
} as const;
