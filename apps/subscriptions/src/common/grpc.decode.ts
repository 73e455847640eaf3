import { validationFailed } from '@hookstream/platform';
import { isRecord } from './validation.rules';

/** Parses a `*_json` field of a gRPC message that must hold a JSON object. */
export function parseJsonObject(field: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validationFailed(`${field} must be a JSON object`);
  }
  if (!isRecord(value)) throw validationFailed(`${field} must be a JSON object`);
  return value;
}

/** Copies the keys whose value is not undefined (proto3 `optional` fields are absent when unset). */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
