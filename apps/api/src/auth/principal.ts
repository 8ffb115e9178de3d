import type { Principal, Role } from '@cascade/domain';
import type { EventActor } from '@cascade/persistence';

/** Who is calling: a signed-in user (with the session it belongs to) or an API key of a unit. */
export interface RequestPrincipal extends Principal {
  kind: 'user' | 'apiKey';
  /** User id or API key id. */
  id: string;
  /** For users: the session family of the access token (logout revokes it). */
  sessionId?: string;
  email?: string;
  /** The user's name, or the API key's. */
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

/**
 * Who acts for the unit, as its events record it (the unit itself is their `actor_unit_id`): the caller's role at
 * the unit (for a user: its own membership there; none for a system administrator or another key), or, for a
 * connector acting for a unit at or below its own, `connector` and the connector itself (the API key, or the user).
 * For routes whose guard decided `report` on the unit.
 */
export function actorAt(principal: RequestPrincipal, unitId: string): EventActor {
  const own = principal.grants
    .filter((g) => g.unitPath[g.unitPath.length - 1] === unitId && g.role !== 'connector')
    .map((g) => g.role)
    .sort()[0];
  if (principal.kind === 'user' && own) return { role: own, connector: null };
  // The guard let the caller act for the unit: with no role of its own there, only a connector grant at or above it
  // can have (no other role acts beyond its own unit).
  const connector = principal.grants.some((g) => g.role === ('connector' satisfies Role));
  if (connector && !principal.systemAdmin)
    return {
      role: 'connector',
      connector: { kind: principal.kind, id: principal.id, name: principal.name ?? null },
    };
  return { role: null, connector: null };
}

/** The connector acting for the unit, as `actorAt` finds it, or null when the caller is not one there. */
export function connectorAt(principal: RequestPrincipal, unitId: string): EventActor | null {
  const actor = actorAt(principal, unitId);
  return actor.connector ? actor : null;
}
