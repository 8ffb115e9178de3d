import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { API_KEY_ROLES, canonicalAuthority, normalizeText, ROLES, type Role } from '@cascade/domain';
import { lowerCase, normalize } from '../../common/transforms';
import type { MembershipInput, NewUser } from '@cascade/contracts';

/** A signing authority: its prefix and the body it signs for. */
export const AUTHORITY = /^(TM|KT|Q|TL|TUQ)\. .{1,120}$/u;

/** A printed variant ("T/M BAN THƯỜNG VỤ", "K/T CHỦ TỊCH") is stored in its canonical form ("TM. BAN THƯỜNG VỤ"). */
const canonical = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? (canonicalAuthority(normalizeText(value)) ?? normalizeText(value)) : value;

/** A role in a unit; leaders also carry their signing authority and position. */
export class MembershipRoleDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;

  @ApiPropertyOptional({
    example: 'TM. BAN THƯỜNG VỤ',
    description:
      'signing authority (leaders): TM., KT., Q., TL. or TUQ. and the body; printed variants (T/M, K/T, TL, T.U.Q, …) are stored canonical',
  })
  @IsOptional()
  @Transform(canonical)
  @Matches(AUTHORITY, { message: 'authority must start with TM., KT., Q., TL. or TUQ. followed by the body' })
  authority?: string;

  @ApiPropertyOptional({ example: 'PHÓ CHỦ TỊCH' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  position?: string;
}

export class MembershipInputDto extends MembershipRoleDto implements MembershipInput {
  @ApiProperty() @IsUUID() unitId!: string;
}

export class CreateUserDto implements NewUser {
  @ApiProperty({ example: 'chuyen.vien@congdoan.vn' })
  @Transform(lowerCase)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Nguyễn Văn A' })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ description: '10+ characters mixing three kinds (or 16+); never returned' })
  @IsString()
  @MaxLength(200)
  password!: string;

  @ApiPropertyOptional({
    type: MembershipInputDto,
    description: 'required unless you are a system administrator',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MembershipInputDto)
  membership?: MembershipInputDto;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(200) currentPassword!: string;
  @ApiProperty() @IsString() @MaxLength(200) newPassword!: string;
}

export class AddMembershipDto extends MembershipRoleDto {
  @ApiPropertyOptional({ description: 'the user, by id…' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: '…or by e-mail' })
  @IsOptional()
  @Transform(lowerCase)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'e-office connector' })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES })
  @IsIn(API_KEY_ROLES)
  role!: (typeof API_KEY_ROLES)[number];
}

export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() systemAdmin!: boolean;
}
