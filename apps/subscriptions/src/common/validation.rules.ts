import { plainToInstance } from 'class-transformer';
import { ValidateIf, validateSync } from 'class-validator';
import { fieldProblems, invalidFields, setVerbatimAside } from '@hookstream/platform';

/**
 * An optional field that, when present, must be valid: unlike @IsOptional(), null is refused
 * (for fields such as `name`, null would mean "no name", which no subscription may have).
 */
export const Present = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * Validates a plain object against a DTO class with the HTTP pipe's rules (unknown fields
 * refused): the gRPC adapters map their messages to the same DTOs and go through the same checks.
 */
export function validateInput<T extends object>(cls: new () => T, plain: object): T {
  const { input, restore } = setVerbatimAside(cls, plain);
  const instance = restore(plainToInstance(cls, input as object));
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw invalidFields(fieldProblems(errors));
  return instance;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
