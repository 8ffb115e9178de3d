import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DOC_TYPE_CODES } from '@cascade/domain';

/** The document's own parts, as a clerk types them or as they are read from its text. */
export class ReceivedFieldsDto {
  @ApiPropertyOptional({ description: 'its own number (812 of "812/LĐLĐ"); a document may have none' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  number?: number;

  @ApiPropertyOptional({ description: 'its own number and symbol as written: "812/LĐLĐ", "37-KH/BTCTU"' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  symbol?: string;

  @ApiPropertyOptional({ description: 'its date (yyyy-mm-dd)' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be yyyy-mm-dd' })
  date?: string;

  @ApiPropertyOptional({ description: 'the body that issued it, as written ("Ban Thường vụ LĐLĐ tỉnh")' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  issuerName?: string;

  @ApiPropertyOptional({ description: 'that body, when it is a unit of Cascade you can see' })
  @IsOptional()
  @IsUUID()
  issuerUnitId?: string;

  @ApiPropertyOptional({ enum: DOC_TYPE_CODES }) @IsOptional() @IsIn(DOC_TYPE_CODES) type?: string;

  @ApiPropertyOptional({ description: 'the subject (trích yếu)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  subject?: string;

  @ApiPropertyOptional({ description: 'its text, kept with the record' })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  body?: string;
}

export class RegisterReceivedDto extends ReceivedFieldsDto {
  @ApiProperty({ description: 'the receiving unit (yours): whose incoming register it is entered in' })
  @IsUUID()
  unitId!: string;

  @ApiPropertyOptional({
    description:
      'the document as text (or an edXML message): its number, symbol, date, issuer, type and subject fill the fields left out; what it lacks stays empty',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  text?: string;

  @ApiPropertyOptional({
    description: 'the received number (số đến); the next of the unit’s year when left out',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  receivedNumber?: number;

  @ApiPropertyOptional({
    description: 'when it was received (ISO 8601, not in the future); now when left out',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedAt?: string;
}

export class ReceivedImportQueryDto {
  @ApiProperty({ description: 'the receiving unit (yours)' }) @IsUUID() unitId!: string;
}

export class ReceivedRegisterQueryDto {
  @ApiProperty({ description: 'the receiving unit' }) @IsUUID() unitId!: string;
  @ApiPropertyOptional({ description: 'the year of receipt' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1900)
  @Max(9999)
  year?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;
}
