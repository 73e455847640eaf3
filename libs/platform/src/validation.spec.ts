import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DomainError } from './errors';
import { createValidationPipe, Verbatim } from './validation';

class RetryPolicyDto {
  @IsInt()
  @Min(0)
  maxAttempts: number;
}

class CreateDto {
  @IsString()
  @MaxLength(255)
  name: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  tags?: string[];
}

const body: ArgumentMetadata = { type: 'body', metatype: CreateDto };

async function failureOf(value: unknown): Promise<DomainError> {
  try {
    await createValidationPipe().transform(value, body);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('createValidationPipe', () => {
  it('returns an instance of the DTO when the input is valid', async () => {
    const value: unknown = await createValidationPipe().transform(
      { name: 'orders', retryPolicy: { maxAttempts: 3 } },
      body,
    );
    expect(value).toBeInstanceOf(CreateDto);
    expect((value as CreateDto).retryPolicy).toBeInstanceOf(RetryPolicyDto);
  });

  it('names the property and the rule it breaks', async () => {
    const error = await failureOf({ name: 'x'.repeat(256) });
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('name must be shorter than or equal to 255 characters');
  });

  it('refuses unknown fields instead of dropping them', async () => {
    expect((await failureOf({ name: 'a', foo: 1 })).message).toBe('property foo should not exist');
  });

  it('gives nested properties their full path', async () => {
    const error = await failureOf({ name: 'a', retryPolicy: { maxAttempts: -1, extra: true } });
    expect(error.message).toBe(
      'property retryPolicy.extra should not exist; retryPolicy.maxAttempts must not be less than 0',
    );
    expect(error.details).toEqual({
      fields: [
        { path: 'retryPolicy.extra', message: 'property retryPolicy.extra should not exist' },
        { path: 'retryPolicy.maxAttempts', message: 'retryPolicy.maxAttempts must not be less than 0' },
      ],
    });
  });

  it('names one problem per field: the first rule it breaks, as the DTO writes them', async () => {
    expect((await failureOf(undefined)).message).toBe('name must be a string');
    const tags = await failureOf({ name: 'a', tags: 'x' });
    expect(tags.details).toEqual({ fields: [{ path: 'tags', message: 'tags must be an array' }] });
    const many = await failureOf({ name: 'a', tags: ['a', 'b', 3] });
    expect(many.details).toEqual({
      fields: [{ path: 'tags', message: 'tags must contain no more than 2 elements' }],
    });
    const one = await failureOf({ name: 'a', tags: [3] });
    expect(one.message).toBe('each value in tags must be a string');
  });
});

describe('Verbatim fields', () => {
  class WithMetadata {
    @IsObject()
    @Verbatim()
    metadata!: Record<string, unknown>;
  }

  it('keeps keys such as __proto__ and constructor exactly as sent', async () => {
    const body = JSON.parse('{"metadata":{"__proto__":"p","constructor":"c","note":"n"}}') as object;
    const dto = (await createValidationPipe().transform(body, {
      type: 'body',
      metatype: WithMetadata,
    })) as WithMetadata;
    expect(Object.entries(dto.metadata)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['note', 'n'],
    ]);
  });

  it('still refuses a value of the wrong kind', async () => {
    await expect(
      createValidationPipe().transform({ metadata: 'text' }, { type: 'body', metatype: WithMetadata }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
