import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { SigningCertificateSummary } from '@cascade/persistence';

/** A PKCS#12 (.p12/.pfx) as a CA hands it out, base64, with its password. */
export class ImportPkcs12Dto {
  @ApiProperty({ description: 'the PKCS#12 file, base64 (at most 64 KiB decoded)' })
  @IsString()
  @IsNotEmpty()
  @IsBase64()
  @MaxLength(90_000)
  pkcs12!: string;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) password!: string;
}

/** A key in a PKCS#11 token: the module (one of PKCS11_MODULES), the token, the key's id, the user PIN, its certificate. */
export class RegisterPkcs11Dto {
  @ApiProperty({ example: '/usr/lib/softhsm/libsofthsm2.so' })
  @IsString()
  @Matches(/^\/\S+$/)
  module!: string;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(32) tokenLabel!: string;

  @ApiProperty({ description: "the key's CKA_ID, hex", example: 'a1' })
  @Matches(/^([0-9a-fA-F]{2}){1,64}$/, { message: 'keyId must be hex (CKA_ID)' })
  keyId!: string;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(64) pin!: string;

  @ApiProperty({ description: "the key's certificate, PEM" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20_000)
  certificate!: string;

  @ApiPropertyOptional({ description: 'the CA certificates, PEM' })
  @IsOptional()
  @IsString()
  @MaxLength(60_000)
  chain?: string;
}

export class SigningCertificateDto implements SigningCertificateSummary {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['pkcs12', 'pkcs11'] }) source!: 'pkcs12' | 'pkcs11';
  @ApiProperty() subject!: string;
  @ApiProperty() issuer!: string;
  @ApiProperty() serial!: string;
  @ApiProperty({ description: 'SHA-256 of the certificate, hex' }) fingerprint!: string;
  @ApiProperty() notBefore!: string;
  @ApiProperty() notAfter!: string;
  @ApiPropertyOptional() pkcs11?: { module: string; tokenLabel: string; keyId: string };
  @ApiProperty() updatedAt!: string;
}
