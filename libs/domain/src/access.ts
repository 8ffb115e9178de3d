import type { Role } from './organisation';

/**
 * Who may do what where. Every permission is scoped by the hierarchy: a grant (a role in a unit) covers either that
 * unit only ("self") or its whole subtree. A superior body's clerk, leader, auditor or admin sees its subtree; a
 * specialist acts on its own node; a connector acknowledges and reports for its subtree; auditors read and never
 * write; nobody sees a sibling's or an unrelated unit's data.
 */
export type Capability =
  | 'view' // read the unit and what belongs to it
  | 'manage' // administer: units below, memberships, API keys, imports
  | 'audit' // read the trail
  | 'register' // register and dispatch documents (văn thư)
  | 'draft' // draft and edit the unit's own directives
  | 'review' // review and approve
  | 'sign' // sign for the unit
  | 'report'; // acknowledge and report

export type Scope = 'self' | 'subtree';

export const ROLE_CAPABILITIES: Readonly<Record<Role, Partial<Record<Capability, Scope>>>> = {
  admin: { view: 'subtree', manage: 'subtree', audit: 'subtree' },
  clerk: { view: 'subtree', register: 'self', draft: 'self', report: 'self' },
  leader: { view: 'subtree', review: 'self', sign: 'self' },
  specialist: { view: 'self', draft: 'self', report: 'self' },
  auditor: { view: 'subtree', audit: 'subtree' },
  // Acts for the units below its own (acknowledges, reports, reads what they received); never manages, drafts,
  // reviews, signs or audits.
  connector: { view: 'subtree', report: 'subtree' },
};

export interface Grant {
  role: Role;
  /** Unit ids from the root down to the unit of the grant. */
  unitPath: readonly string[];
}

export interface Principal {
  systemAdmin: boolean;
  grants: readonly Grant[];
}

/** allow; forbidden (the target is visible but the action is not permitted: 403); hidden (not visible: 404). */
export type Decision = 'allow' | 'forbidden' | 'hidden';

function covers(grant: Grant, target: readonly string[], scope: Scope): boolean {
  const own = grant.unitPath;
  if (own.length === 0 || target.length < own.length) return false;
  if (scope === 'self')
    return own.length === target.length && own[own.length - 1] === target[target.length - 1];
  return own.every((id, i) => target[i] === id);
}

export function can(principal: Principal, capability: Capability, target: readonly string[]): boolean {
  if (principal.systemAdmin) return true;
  return principal.grants.some((grant) => {
    const scope = ROLE_CAPABILITIES[grant.role][capability];
    return scope !== undefined && covers(grant, target, scope);
  });
}

/** The decision for `capability` on the unit at `target` (its path of ids from the root). */
export function decide(principal: Principal, capability: Capability, target: readonly string[]): Decision {
  if (can(principal, capability, target)) return 'allow';
  return can(principal, 'view', target) ? 'forbidden' : 'hidden';
}

/** What a principal may view, as SQL-friendly sets: whole subtrees (by root path) and single units. */
export function viewScope(principal: Principal): { all: boolean; subtrees: string[][]; units: string[] } {
  if (principal.systemAdmin) return { all: true, subtrees: [], units: [] };
  const subtrees: string[][] = [];
  const units: string[] = [];
  for (const grant of principal.grants) {
    const scope = ROLE_CAPABILITIES[grant.role].view;
    if (scope === 'subtree') subtrees.push([...grant.unitPath]);
    else if (scope === 'self') units.push(grant.unitPath[grant.unitPath.length - 1]);
  }
  return { all: false, subtrees, units };
}
