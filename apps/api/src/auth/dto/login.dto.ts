import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'van.thu@lienminh.vn' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken!: string;
}

export class ActivateDto {
  @ApiProperty({ description: 'the one-time activation token of POST /users/bulk' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;

  @ApiProperty({ description: '10+ characters mixing three kinds (or 16+); never returned' })
  @IsString()
  @MaxLength(200)
  password!: string;
}

export class TokenPairDto {
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty() accessToken!: string;
  @ApiProperty({ description: 'seconds' }) expiresIn!: number;
  @ApiProperty({ description: 'opaque; rotates on every use' }) refreshToken!: string;
  @ApiProperty({ description: 'seconds' }) refreshExpiresIn!: number;
}
