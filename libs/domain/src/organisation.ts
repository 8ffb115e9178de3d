/** Kinds of body in the hierarchy. Departments are child units, because reports go "through" them. */
export const UNIT_KINDS = [
  'federation',
  'sector_union',
  'grassroots_union',
  'party_committee',
  'party_cell',
  'department',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/**
 * The kinds that carry a directive out and report on it. Addressees given by kind ("children", "subtree", "các công
 * đoàn cơ sở") take these; a department works for its own body and is addressed only when it is named.
 */
export const EXECUTING_UNIT_KINDS = UNIT_KINDS.filter((k) => k !== 'department');

/** Whether a unit of `kind` is an addressee: an executing unit, or a department named explicitly. */
export function addressedByKind(kind: string, named: boolean): boolean {
  return named || (EXECUTING_UNIT_KINDS as readonly string[]).includes(kind);
}

/**
 * Roles a user holds in a unit (a membership). A `connector` is a system (an e-office system, a service account)
 * that acknowledges, reports and reads for every unit below its own: what it does is recorded as the unit's, done by
 * the connector.
 */
export const ROLES = ['clerk', 'leader', 'specialist', 'auditor', 'admin', 'connector'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an API key may carry: keys are for systems, never for administration. */
export const API_KEY_ROLES = [
  'clerk',
  'leader',
  'specialist',
  'auditor',
  'connector',
] as const satisfies readonly Role[];

/** Signing authority prefixes (Decree 30/2020): on behalf of a collective, for the head, acting, by order, delegated. */
export const AUTHORITY_PREFIXES = ['TM.', 'KT.', 'Q.', 'TL.', 'TUQ.'] as const;

/** Codes identify a unit across imports: letters (Vietnamese included), digits and . _ - /, up to 64. */
export const UNIT_CODE_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]{0,63}$/u;

/** The ltree label of a unit id (ltree labels allow [A-Za-z0-9_]). */
export function pathLabel(unitId: string): string {
  return 'u' + unitId.replace(/-/g, '');
}

/** The unit id of an ltree label. */
export function idFromLabel(label: string): string {
  const hex = label.slice(1);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Unit ids from the root down to the unit, from its ltree path. */
export function idsFromPath(path: string): string[] {
  return path.split('.').map(idFromLabel);
}

export function pathFromIds(ids: readonly string[]): string {
  return ids.map(pathLabel).join('.');
}
