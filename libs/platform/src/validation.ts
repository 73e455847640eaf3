import { ValidationPipe } from '@nestjs/common';
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

/** Unknown fields are refused rather than dropped silently: a typo in a field name must not go unnoticed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
