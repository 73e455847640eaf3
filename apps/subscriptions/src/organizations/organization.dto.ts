import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { TOKEN_PATTERN } from '@hookstream/contracts';
import { Present } from '../common/validation.rules';
import type { OrganizationEntity } from './organization.entity';

export class CreateOrganizationDto {
  @ApiPropertyOptional({
    example: 'org_acme',
    description: 'Default: a generated org_ id.',
    pattern: TOKEN_PATTERN.source,
  })
  @Present()
  @IsString()
  @Matches(TOKEN_PATTERN, { message: 'id must be 1-64 characters of [A-Za-z0-9_-]' })
  id?: string;

  @ApiProperty({ example: 'Acme Inc.', minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  name: string;
}

export class OrganizationResponse {
  @ApiProperty({ example: 'org_acme' }) id: string;
  @ApiProperty({ example: 'Acme Inc.' }) name: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z', format: 'date-time' }) createdAt: string;
}

export function toOrganizationResponse(row: OrganizationEntity): OrganizationResponse {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}
