import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { validationFailed } from './errors';

export interface ValidationProblem {
  /** Dotted path from the root object: `retryPolicy.schedule`, `headers.0.name`. */
  property: string;
  message: string;
}

/**
 * class-validator writes messages with the leaf property name ("name must be ..."); nested ones
 * get the full path so the client knows which `name` is meant.
 */
export function validationProblems(errors: readonly ValidationError[], parent = ''): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const error of errors) {
    const leaf = error.property ?? '';
    const property = parent === '' ? leaf : leaf === '' ? parent : `${parent}.${leaf}`;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      if (rule === 'whitelistValidation')
        problems.push({ property, message: `property ${property} should not exist` });
      else if (property === '') problems.push({ property, message });
      else if (message.startsWith(`${leaf} `))
        problems.push({ property, message: `${property}${message.slice(leaf.length)}` });
      else problems.push({ property, message: `${property}: ${message}` });
    }
    problems.push(...validationProblems(error.children ?? [], property));
  }
  return problems;
}

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
    exceptionFactory: (errors: ValidationError[]) => {
      const problems = validationProblems(errors);
      const message = problems.length > 0 ? problems.map((p) => p.message).join('; ') : 'invalid input';
      return validationFailed(message, { problems });
    },
  });
}
