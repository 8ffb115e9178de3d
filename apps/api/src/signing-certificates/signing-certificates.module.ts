import { Module } from '@nestjs/common';
import { SigningCertificatesController } from './signing-certificates.controller';
import { SigningCertificatesService } from './signing-certificates.service';

@Module({ controllers: [SigningCertificatesController], providers: [SigningCertificatesService] })
export class SigningCertificatesModule {}
