import { Body, Controller, Get, HttpCode, HttpStatus, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SystemAdminOnly } from '../auth/system-admin.guard';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ImportPkcs12Dto, RegisterPkcs11Dto, SigningCertificateDto } from './dto/signing-certificate.dto';
import { SigningCertificatesService } from './signing-certificates.service';

/**
 * A person's X.509 signing certificate (what the directive sign step signs the PDF with). System administrators
 * only: a certificate is a person's legal signature. PUT replaces the one before; the same body again answers the same.
 */
@ApiTags('signing certificates')
@ApiBearerAuth()
@UseGuards(SystemAdminOnly)
@Controller('users/:id/signing-certificate')
export class SigningCertificatesController {
  constructor(private readonly certificates: SigningCertificatesService) {}

  @Put('pkcs12')
  @HttpCode(HttpStatus.OK)
  @Idempotent({ selfIdempotent: true })
  @ApiOperation({ summary: "Import a person's certificate and key from a PKCS#12 (the key sealed at rest)" })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 200, type: SigningCertificateDto })
  @ApiResponse({
    status: 400,
    description: 'PKCS12_UNREADABLE (pkcs12), PKCS12_PASSWORD_INCORRECT (password), CERTIFICATE_EXPIRED',
  })
  importPkcs12(@Param('id') id: string, @Body() dto: ImportPkcs12Dto) {
    return this.certificates.importPkcs12(id, dto);
  }

  @Put('pkcs11')
  @HttpCode(HttpStatus.OK)
  @Idempotent({ selfIdempotent: true })
  @ApiOperation({
    summary: "Register a person's key in a PKCS#11 token (the key never leaves it) and its certificate",
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 200, type: SigningCertificateDto })
  @ApiResponse({
    status: 400,
    description:
      'PKCS11_MODULE_NOT_ALLOWED (module), PKCS11_KEY_UNAVAILABLE (tokenLabel, keyId, pin), PKCS11_KEY_MISMATCH, CERTIFICATE_INVALID, CERTIFICATE_EXPIRED',
  })
  registerPkcs11(@Param('id') id: string, @Body() dto: RegisterPkcs11Dto) {
    return this.certificates.registerPkcs11(id, dto);
  }

  @Get()
  @ApiOperation({ summary: "A person's signing certificate (no key material)" })
  @ApiResponse({ status: 200, type: SigningCertificateDto })
  get(@Param('id') id: string) {
    return this.certificates.get(id);
  }
}
