import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EDXML_CODE_PATTERN, UNIT_CODE_PATTERN, UNIT_KINDS, type UnitKind } from '@cascade/domain';
import { normalize } from '../../common/transforms';

export class CreateUnitDto {
  @ApiProperty({ example: 'LDLD-SL', description: 'unique identifier of the unit, the key of imports' })
  @Transform(normalize)
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'code must be 1-64 letters, digits or . _ - /, no spaces' })
  code!: string;

  @ApiPropertyOptional({
    example: 'LĐLĐ',
    description: 'the symbol used in document numbers (defaults to code)',
  })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  symbol?: string;

  @ApiProperty({ example: 'Liên đoàn Lao động tỉnh Sơn La' })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiProperty({ enum: UNIT_KINDS })
  @IsIn(UNIT_KINDS)
  kind!: UnitKind;

  @ApiPropertyOptional({
    nullable: true,
    description: 'null or absent: a new root (system administrators only)',
  })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({
    example: '000.00.00.H53',
    nullable: true,
    description:
      'the electronic identification code (mã định danh, Decision 20/2020/QĐ-TTg) edXML names the unit by; unique',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsString()
  @Matches(EDXML_CODE_PATTERN, {
    message: 'edxmlCode must be an electronic identification code such as 000.00.00.H53',
  })
  edxmlCode?: string | null;
}

export class UpdateUnitDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  symbol?: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  kind?: UnitKind;

  @ApiPropertyOptional({
    example: '000.00.00.H53',
    nullable: true,
    description:
      'null clears it; the electronic identification code (mã định danh, Decision 20/2020/QĐ-TTg) edXML names the unit by; unique',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsString()
  @Matches(EDXML_CODE_PATTERN, {
    message: 'edxmlCode must be an electronic identification code such as 000.00.00.H53',
  })
  edxmlCode?: string | null;
}

export class MoveUnitDto {
  @ApiProperty({ description: 'the new parent' })
  @IsUUID()
  parentId!: string;

  @ApiPropertyOptional({ example: 'Sáp nhập đơn vị hành chính' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ReportTargetDto {
  @ApiProperty({ example: 'HU-GIALAM', description: 'code of the unit reported to' })
  @Transform(normalize)
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'targetCode must be a unit code' })
  targetCode!: string;

  @ApiPropertyOptional({
    example: 'HU-GIALAM-BTG',
    description: 'code of the department the report goes through',
  })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'viaCode must be a unit code' })
  viaCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(300)
  note?: string;
}

export class SetReportTargetsDto {
  @ApiProperty({ type: [ReportTargetDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ReportTargetDto)
  targets!: ReportTargetDto[];
}

export class TreeQueryDto {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  depth: number = 1;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_]{1,64}(\.[a-z0-9_]{1,64}){0,60}$/, { message: 'cursor is not a cursor from this API' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'include deactivated units', default: true })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'false' ? false : value === 'true' ? true : value))
  @IsBoolean()
  includeInactive: boolean = true;
}

export class SearchUnitsQueryDto extends TreeQueryDto {
  @ApiPropertyOptional({
    example: 'son la',
    description: 'part of the name or code; accents and case are ignored',
  })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'LDLD-SL', description: 'exactly this code' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(64)
  code?: string;

  @ApiPropertyOptional({ description: 'search only under this unit' })
  @IsOptional()
  @IsUUID()
  under?: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS)
  kind?: UnitKind;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ description: 'export this subtree (default: everything you can see)' })
  @IsOptional()
  @IsUUID()
  under?: string;

  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'json' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format: 'csv' | 'json' = 'json';
}

export class UnitDto {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: UNIT_KINDS }) kind!: UnitKind;
  @ApiProperty({ nullable: true, type: String }) parentId!: string | null;
  @ApiProperty({ description: '1 for a root' }) level!: number;
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
  @ApiProperty({ nullable: true, type: String, example: '000.00.00.H53' }) edxmlCode!: string | null;
}

export class UnitPageDto {
  @ApiProperty({ type: [UnitDto] }) items!: UnitDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
