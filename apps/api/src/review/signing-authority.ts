import { HttpStatus } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { canonicalAuthority } from '@cascade/domain';
import { leaderAuthorities } from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import type { RequestPrincipal } from '../auth/principal';
import { DirectiveErrorCode } from '../directives/directive-error-codes';

/** The signing authority (TM., KT., …) and position the caller holds as a leader of the issuer, or null. */
export async function signingAuthorityOf(
  dataSource: DataSource,
  principal: RequestPrincipal,
  issuerId: string,
): Promise<{ authority: string; position: string } | null> {
  const holder =
    principal.kind === 'user'
      ? (await leaderAuthorities(dataSource, principal.id, issuerId)).find(
          (membership) => membership.authority && membership.position,
        )
      : undefined;
  // a membership stored before authorities were canonical may hold a printed variant ("T/M …"): sign with the canonical
  return holder ? { authority: signingAuthority(holder.authority!), position: holder.position! } : null;
}

/**
 * The signing authority (TM., KT., …) and position the caller holds as a leader of the issuer, or a 403. Signing,
 * closing and recalling all speak for the issuer, so all three ask for it: an API key holds a role but no membership,
 * and never passes.
 */
export async function requireSigningAuthority(
  dataSource: DataSource,
  principal: RequestPrincipal,
  issuerId: string,
): Promise<{ authority: string; position: string }> {
  const held = await signingAuthorityOf(dataSource, principal, issuerId);
  if (!held) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      DirectiveErrorCode.SIGNER_NO_AUTHORITY,
      'you hold no signing authority and position for the issuer',
    );
  }
  return held;
}

/** The authority a signature records: the canonical form of the one held ("T/M BAN THƯỜNG VỤ" → "TM. BAN THƯỜNG VỤ"). */
export function signingAuthority(held: string): string {
  return canonicalAuthority(held) ?? held;
}
