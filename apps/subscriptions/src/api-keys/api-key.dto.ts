import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches } from 'class-validator';
import { TOKEN_PATTERN } from '@hookstream/contracts';

export class CreateApiKeyDto {
  @ApiProperty({ example: ['org_acme'], type: [String], description: 'Organizations the key may act for.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(TOKEN_PATTERN, { each: true, message: 'organizationIds must hold organization ids' })
  organizationIds: string[];

  @ApiProperty({
    example: 'org_acme',
    description: 'Used when a request has no X-Organization-Id; one of organizationIds.',
  })
  @IsString()
  defaultOrganizationId: string;
}

export class ApiKeyCreatedResponse {
  @ApiProperty({ example: 'key_01JD...' }) id: string;
  @ApiProperty({
    description: 'The key itself: shown this once, stored only as a hash.',
    example: 'hs_live_...',
  })
  key: string;
  @ApiProperty({ example: ['org_acme'], type: [String] }) organizationIds: string[];
  @ApiProperty({ example: 'org_acme' }) defaultOrganizationId: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z', format: 'date-time' }) createdAt: string;
}
