import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { type DomainError, validationFailed } from './errors';

/** One invalid field: `{path, message}` in the `fields` of a validation_failed error body. */
export interface FieldProblem {
  /** Dotted path from the root object: `retryPolicy.schedule`, `headers.0.name`; '' for the body itself. */
  path: string;
  message: string;
}

function joinPath(parent: string, leaf: string): string {
  if (parent === '') return leaf;
  return leaf === '' ? parent : `${parent}.${leaf}`;
}

/** class-validator writes messages with the leaf name ("name must be ..."); nested ones get the full path. */
function withPath(path: string, leaf: string, message: string): string {
  if (path === '') return message;
  if (message.startsWith(`${leaf} `)) return `${path}${message.slice(leaf.length)}`;
  if (message.startsWith(`each value in ${leaf} `))
    return `each value in ${path}${message.slice(`each value in ${leaf}`.length)}`;
  return `${path}: ${message}`;
}

/**
 * One problem per field: the first rule it breaks in the order the DTO writes them (type before
 * size), since "must be an array; must contain at least 1 elements; ..." buries what is wrong.
 * class-validator records a property's constraints bottom-up, so the first written is the last key.
 */
export function fieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const leaf = error.property ?? '';
    const path = joinPath(parent, leaf);
    const constraints = Object.entries(error.constraints ?? {});
    const unknown = constraints.find(([rule]) => rule === 'whitelistValidation');
    const first = constraints.at(-1);
    if (unknown) problems.push({ path, message: `property ${path} should not exist` });
    else if (first) problems.push({ path, message: withPath(path, leaf, first[1]) });
    problems.push(...fieldProblems(error.children ?? [], path));
  }
  return problems;
}

/** The validation_failed error for these problems: one message naming each field, and the list. */
export function invalidFields(problems: readonly FieldProblem[]): DomainError {
  const message = problems.length > 0 ? problems.map((p) => p.message).join('; ') : 'invalid input';
  return validationFailed(message, { fields: problems });
}

/** A validation_failed error about one field, for checks made outside the DTOs. */
export const invalidField = (path: string, message: string): DomainError =>
  invalidFields([{ path, message }]);

const VERBATIM_KEYS = Symbol('hookstream:verbatim');

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A free-form JSON object field kept exactly as the caller sent it. class-transformer rebuilds
 * nested objects and drops (or chokes on) keys such as `__proto__` and `constructor`, which
 * callers may legitimately use in metadata or header maps.
 */
export const Verbatim = (): PropertyDecorator => (target, key) => {
  const keys = (Reflect.getMetadata(VERBATIM_KEYS, target) as Array<string | symbol> | undefined) ?? [];
  Reflect.defineMetadata(VERBATIM_KEYS, [...keys, key], target);
};

/**
 * Splits a payload for class-transformer: its verbatim object fields are replaced by empty
 * objects (a non-object stays as it is, so the field's own validators still judge its kind), and
 * `restore` puts the caller's objects back onto the transformed instance.
 */
export function setVerbatimAside(
  cls: unknown,
  plain: unknown,
): { input: unknown; restore: <T>(instance: T) => T } {
  const keys =
    typeof cls === 'function'
      ? (Reflect.getMetadata(VERBATIM_KEYS, cls.prototype as object) as string[] | undefined)
      : undefined;
  if (!keys || !isPlainObject(plain)) return { input: plain, restore: (instance) => instance };
  const input: Record<string, unknown> = { ...plain };
  const kept = new Map<string, unknown>();
  for (const key of keys) {
    if (isPlainObject(plain[key])) {
      kept.set(key, plain[key]);
      input[key] = {};
    }
  }
  return {
    input,
    restore: (instance) => {
      const target = instance as unknown;
      if (isPlainObject(target)) for (const [key, value] of kept) target[key] = value;
      return instance;
    },
  };
}

class VerbatimAwareValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { input, restore } = setVerbatimAside(metadata.metatype, value);
    return restore(await super.transform(input, metadata));
  }
}

/** Unknown fields are refused rather than dropped silently: a typo in a field name must not go unnoticed. */
export function createValidationPipe(): ValidationPipe {
  return new VerbatimAwareValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) => invalidFields(fieldProblems(errors)),
  });
}
