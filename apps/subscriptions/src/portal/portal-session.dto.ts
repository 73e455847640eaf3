import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import {
  PORTAL_MAX_TTL_SECONDS,
  PORTAL_PERMISSIONS,
  type PortalGrant,
  type PortalPermission,
} from '@hookstream/platform';

const MAX_FILTER_KEYS = 10;

/** A metadata filter: at most 10 keys, each a string of 1-255 characters. */
function IsStringMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= MAX_FILTER_KEYS &&
          Object.entries(value).every(
            ([k, v]) => k.length >= 1 && k.length <= 255 && typeof v === 'string' && v.length <= 255,
          ),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must map at most ${MAX_FILTER_KEYS} keys to strings of at most 255 characters`,
      },
    });
}

export class PortalThemeDto {
  @ApiPropertyOptional({ maxLength: 80 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  title?: string;

  @ApiPropertyOptional({ description: 'https URL of an image shown in the header.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'logoUrl must be an https URL' })
  logoUrl?: string;

  @ApiPropertyOptional({ example: '#4f46e5' })
  @IsOptional()
  @IsString()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'primaryColor must be a color written #rrggbb' })
  primaryColor?: string;
}

export class CreatePortalSessionDto {
  @ApiPropertyOptional({ description: 'Seconds the link stays valid.', default: 3600, minimum: 60 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(PORTAL_MAX_TTL_SECONDS)
  expiresIn?: number;

  @ApiProperty({ enum: PORTAL_PERMISSIONS })
  @IsIn(PORTAL_PERMISSIONS)
  permissions: PortalPermission;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Metadata key/values a subscription must carry to be seen in this session.',
  })
  @IsOptional()
  @IsObject()
  @IsStringMap()
  subscriptionFilter?: Record<string, string>;

  @ApiPropertyOptional({ type: PortalThemeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PortalThemeDto)
  theme?: PortalThemeDto;
}

export class PortalSessionResponse {
  @ApiProperty({ description: 'The portal page, carrying the token in its fragment.' }) url: string;
  @ApiProperty() token: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** What the page learns about its own session. */
export function toSessionView(grant: PortalGrant) {
  return {
    organizationId: grant.organizationId,
    permissions: grant.permissions,
    subscriptionFilter: grant.filter,
    theme: grant.theme,
    expiresAt: grant.expiresAt.toISOString(),
  };
}
