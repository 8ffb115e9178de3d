import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { DELEGATION_KINDS, type DelegationKind } from '@cascade/domain';
import { VersionDto } from '../directives/dto/directive.dto';

/**
 * What a signature is given under: nothing (the signer's own authority, TM. or one their membership bears), a signing
 * relation by its id, or by its kind when the signer holds one current relation of that kind in the issuer.
 */
export class SignDto extends VersionDto {
  @ApiPropertyOptional({ description: 'the relation (KT., Q., TL., TUQ.) signed under' })
  @IsOptional()
  @IsUUID()
  delegationId?: string;
  @ApiPropertyOptional({
    enum: DELEGATION_KINDS,
    description: 'the kind of relation signed under (without an id)',
  })
  @IsOptional()
  @IsIn(DELEGATION_KINDS)
  authority?: DelegationKind;
}
