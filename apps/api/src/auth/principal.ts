import type { Principal } from '@cascade/domain';

/** Who is calling: a signed-in user (with the session it belongs to) or an API key of a unit. */
export interface RequestPrincipal extends Principal {
  kind: 'user' | 'apiKey';
  /** User id or API key id. */
  id: string;
  /** For users: the session family of the access token (logout revokes it). */
  sessionId?: string;
  email?: string;
  name?: string;
}

export interface AuthenticatedRequest {
  principal?: RequestPrincipal;
}

/**
 * The user behind a request, for the columns that name one (drafted by, acknowledged by, submitted by): null for an
 * API key, whose unit is recorded instead.
 */
export const actingUser = (principal: RequestPrincipal): string | null =>
  principal.kind === 'user' ? principal.id : null;
