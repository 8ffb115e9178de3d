import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { findUser, type SigningCertificateSummary } from '@cascade/persistence';
import {
  importPkcs12For,
  PersonSigningError,
  registerPkcs11For,
  signingCertificateOf,
  type PersonSigningConfig,
} from '@cascade/signing';
import { ApiError } from '../common/api-error';
import { isUuid } from '../common/page';
import type { ImportPkcs12Dto, RegisterPkcs11Dto } from './dto/signing-certificate.dto';
import { SigningCertificateErrorCode as Code } from './signing-certificate-error-codes';

/** Imports and registers people's signing certificates (system administrators only, see the controller). */
@Injectable()
export class SigningCertificatesService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private signing(): PersonSigningConfig {
    const secret = this.config.SIGNING_KEY_SECRET;
    if (!secret) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        Code.SIGNING_NOT_CONFIGURED,
        'this API has no SIGNING_KEY_SECRET: certificates cannot be imported',
      );
    }
    const modules = (this.config.PKCS11_MODULES ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    return { secret, pkcs11Modules: modules };
  }

  private async mustExist(userId: string): Promise<void> {
    if (!isUuid(userId) || !(await findUser(this.dataSource, userId))) {
      throw new ApiError(HttpStatus.NOT_FOUND, Code.USER_NOT_FOUND, `user ${userId} does not exist`);
    }
  }

  private static refusal(this: void, e: unknown): never {
    if (e instanceof PersonSigningError) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        Code[e.code],
        e.message,
        e.field ? { field: e.field } : undefined,
      );
    }
    throw e;
  }

  async importPkcs12(userId: string, dto: ImportPkcs12Dto): Promise<SigningCertificateSummary> {
    const config = this.signing();
    await this.mustExist(userId);
    const file = Buffer.from(dto.pkcs12, 'base64');
    if (file.length > 64 * 1024) {
      throw new ApiError(HttpStatus.BAD_REQUEST, Code.PKCS12_UNREADABLE, 'pkcs12: larger than 64 KiB', {
        field: 'pkcs12',
      });
    }
    return importPkcs12For(this.dataSource, config, userId, file, dto.password).catch(
      SigningCertificatesService.refusal,
    );
  }

  async registerPkcs11(userId: string, dto: RegisterPkcs11Dto): Promise<SigningCertificateSummary> {
    const config = this.signing();
    await this.mustExist(userId);
    return registerPkcs11For(this.dataSource, config, userId, {
      module: dto.module,
      tokenLabel: dto.tokenLabel,
      keyId: dto.keyId.toLowerCase(),
      pin: dto.pin,
      certificatePem: dto.certificate,
      chainPem: dto.chain,
    }).catch(SigningCertificatesService.refusal);
  }

  async get(userId: string): Promise<SigningCertificateSummary> {
    await this.mustExist(userId);
    const c = await signingCertificateOf(this.dataSource, userId);
    if (!c) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        Code.SIGNING_CERTIFICATE_MISSING,
        `user ${userId} has no signing certificate`,
      );
    }
    return c;
  }
}
