import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type AjvCore from 'ajv/dist/core';
import type { CodeOptions, ErrorObject, Options } from 'ajv';
import addFormats from 'ajv-formats';
import { RE2JS, RE2JSSyntaxException } from 're2js';
import type { JsonSchema } from './event-type';

export type DataCheck = { ok: true } | { ok: false; message: string };
export type DataValidator = (data: unknown) => DataCheck;
export type CompileResult =
  { ok: true; validate: DataValidator; release: () => void } | { ok: false; message: string };

/** Serialized size bound: compiling is linear in the schema, and schemas come from organizations. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

type Draft = '2020-12' | '2019-09' | 'draft-07';

function draftOf(declared: unknown): Draft | undefined {
  if (declared === undefined) return '2020-12';
  if (typeof declared !== 'string') return undefined;
  if (/\/draft\/2020-12\/schema#?$/.test(declared)) return '2020-12';
  if (/\/draft\/2019-09\/schema#?$/.test(declared)) return '2019-09';
  if (/\/draft-07\/schema#?$/.test(declared)) return 'draft-07';
  return undefined;
}

// Patterns in organizations' schemas run on every ingested event: a linear-time engine keeps a
// pathological pattern such as ^(a+)+$ from stalling ingest (no lookaround or backreferences).
const linearRegExp: CodeOptions['regExp'] = Object.assign(
  (pattern: string) => {
    const compiled = RE2JS.compile(pattern);
    return { test: (input: string) => compiled.matcher(input).find(), toString: () => `/${pattern}/` };
  },
  { code: 're2js' },
);

const options: Options = {
  allErrors: false,
  // Vendor keywords (x-*, example ...) are common in real schemas; unknown keywords are ignored.
  strict: false,
  // Schemas are never registered by $id: organizations' ids must not resolve in each other's schemas.
  addUsedSchema: false,
  logger: false,
  code: { regExp: linearRegExp },
};

function createAjv(draft: Draft): AjvCore {
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(options)
      : draft === '2019-09'
        ? new Ajv2019(options)
        : new Ajv(options);
  addFormats(ajv);
  // Compiles the meta-schema now, so the refs it registers are not mistaken for a schema's own.
  void ajv.validateSchema({});
  return ajv;
}

/** `data/workflow/id must be string`: the failing location first, as a JSON pointer below `data`. */
export function describeError(error: ErrorObject): string {
  const where = `data${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues))
    return `${where} must be one of ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string')
    return `${where} must not have the property "${params.additionalProperty}"`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Compiles JSON Schemas with ajv, one shared instance per draft. */
export class SchemaCompiler {
  private readonly instances = new Map<Draft, AjvCore>();

  compile(schema: JsonSchema): CompileResult {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      return { ok: false, message: 'schema must be a JSON Schema object' };
    const size = Buffer.byteLength(JSON.stringify(schema));
    if (size > MAX_SCHEMA_BYTES)
      return { ok: false, message: `schema is ${size} bytes, over ${MAX_SCHEMA_BYTES}` };
    const draft = draftOf(schema.$schema);
    if (!draft)
      return {
        ok: false,
        message: `$schema ${JSON.stringify(schema.$schema)} is not supported: use draft 2020-12, 2019-09 or draft-07`,
      };
    const ajv = this.instance(draft);
    // The instance already knows its draft; a root $id is dropped so it never enters the shared registry.
    const { $schema: _declared, $id: _id, ...own } = structuredClone(schema) as Record<string, unknown>;
    if (ajv.validateSchema(own) !== true)
      return {
        ok: false,
        message: `schema is invalid: ${ajv.errorsText(ajv.errors, { dataVar: 'schema' })}`,
      };
    const refsBefore = new Set(Object.keys(ajv.refs));
    const rollback = (): void => {
      for (const ref of Object.keys(ajv.refs)) if (!refsBefore.has(ref)) delete ajv.refs[ref];
      ajv.removeSchema(own);
    };
    let check;
    try {
      check = ajv.compile(own);
    } catch (error) {
      rollback();
      return { ok: false, message: compileFailure(error) };
    }
    if (Object.keys(ajv.refs).some((ref) => !refsBefore.has(ref))) {
      rollback();
      return { ok: false, message: 'schema must not declare $id below its root' };
    }
    const validate: DataValidator = (data) =>
      check(data)
        ? { ok: true }
        : { ok: false, message: check.errors?.[0] ? describeError(check.errors[0]) : 'data is invalid' };
    return { ok: true, validate, release: () => ajv.removeSchema(own) };
  }

  private instance(draft: Draft): AjvCore {
    let ajv = this.instances.get(draft);
    if (!ajv) {
      ajv = createAjv(draft);
      this.instances.set(draft, ajv);
    }
    return ajv;
  }
}

function compileFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RE2JSSyntaxException)
    return `schema cannot be compiled: ${message} (patterns run on a linear-time engine: no lookaround or backreferences)`;
  return `schema cannot be compiled: ${message}`;
}
