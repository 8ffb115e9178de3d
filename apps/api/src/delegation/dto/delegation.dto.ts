import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DELEGATION_KINDS, DOC_TYPE_CODES, type DelegationKind } from '@cascade/domain';
import { normalize } from '../../common/transforms';

const upper = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? (normalize({ value }) as string).toLocaleUpperCase('vi') : value;

/** The written basis of a relation: the decision's number and date ("Quyết định số 12/QĐ-LĐLĐ ngày 02/01/2026"). */
export class DelegationBasisDto {
  @ApiProperty({ example: '12/QĐ-LĐLĐ' })
  @Transform(normalize)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  number!: string;
  @ApiProperty({ example: '2026-01-02', description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  date!: string;
}

export class CreateDelegationDto {
  @ApiProperty({
    enum: DELEGATION_KINDS,
    description: 'KT. deputy for the head, Q. acting, TL. by order, TUQ. delegated',
  })
  @IsIn(DELEGATION_KINDS)
  kind!: DelegationKind;
  @ApiProperty({ description: 'who grants: a leader of the unit (its head)' })
  @IsUUID()
  grantorUserId!: string;
  @ApiProperty({ description: 'who signs under it: a leader of the unit' }) @IsUUID() granteeUserId!: string;
  @ApiPropertyOptional({
    example: 'CHỦ TỊCH',
    description: "the head's title the authority line names; default: the grantor's position in the unit",
  })
  @IsOptional()
  @Transform(upper)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  head?: string;
  @ApiPropertyOptional({
    example: 'PHÓ CHỦ TỊCH',
    description: "the signer's position line; default: the grantee's position in the unit",
  })
  @IsOptional()
  @Transform(upper)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  position?: string;
  @ApiProperty({ type: DelegationBasisDto })
  @ValidateNested()
  @Type(() => DelegationBasisDto)
  basis!: DelegationBasisDto;
  @ApiPropertyOptional({
    enum: DOC_TYPE_CODES,
    isArray: true,
    description: 'document types it covers; absent: all (required for TUQ.)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DOC_TYPE_CODES.length)
  @IsIn(DOC_TYPE_CODES, { each: true })
  docTypes?: string[];
  @ApiProperty({ description: 'ISO 8601 with offset' }) @IsISO8601({ strict: true }) validFrom!: string;
  @ApiPropertyOptional({ description: 'ISO 8601 with offset; required for TUQ.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string;
}

export class RevokeDelegationDto {
  @ApiPropertyOptional() @IsOptional() @Transform(normalize) @IsString() @MaxLength(2000) reason?: string;
}
