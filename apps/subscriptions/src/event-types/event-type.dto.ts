import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString, MaxLength } from 'class-validator';
import type { CatalogEntry } from '@hookstream/contracts';
import { Present } from '../common/validation.rules';

export class RegisterEventTypeDto {
  @ApiProperty({
    example: 'invoice.paid',
    description: 'Dot-separated parts of [A-Za-z0-9_-], at most 128 characters.',
  })
  @IsString()
  @MaxLength(128)
  name: string;

  @ApiPropertyOptional({ example: 'An invoice was paid.', maxLength: 1024, default: '' })
  @Present()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiProperty({
    example: { type: 'object', required: ['invoiceId'], properties: { invoiceId: { type: 'string' } } },
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of the event data.',
  })
  @IsObject()
  schema: Record<string, unknown>;
}

export class EventTypeResponse {
  @ApiProperty({ example: 'invoice.paid' }) name: string;
  @ApiProperty({ example: 'An invoice was paid.' }) description: string;
  @ApiProperty({
    example: { type: 'object', required: ['invoiceId'], properties: { invoiceId: { type: 'string' } } },
    type: 'object',
    additionalProperties: true,
  })
  schema: Record<string, unknown>;
  @ApiProperty({ example: false, description: 'Built-in types are shared by every organization.' })
  builtIn: boolean;
}

export class EventTypeListResponse {
  @ApiProperty({ type: [EventTypeResponse] }) items: EventTypeResponse[];
}

export function toEventTypeResponse(entry: CatalogEntry): EventTypeResponse {
  return {
    name: entry.name,
    description: entry.description,
    schema: { ...entry.schema },
    builtIn: entry.builtIn,
  };
}
