import { Duration } from 'luxon';
import type { Cycle } from '../calendar/schedule';

/**
 * How a directive chases late units (đôn đốc), as ISO 8601 durations counted from the grassroots deadline:
 * a reminder `remindBefore` it, overdue at it, escalation to the parent's leaders `parentAfter` it, to the
 * issuer's leaders `issuerAfter` it and, last, to the leaders of the body above the issuer (its own parent in the
 * organisation) `aboveAfter` it. An absent step is skipped.
 */
export interface EscalationLadder {
  remindBefore?: string;
  parentAfter?: string;
  issuerAfter?: string;
  /** Not in the default ladder: only directives that ask for it tell the body above the issuer. */
  aboveAfter?: string;
}

/** What a directive that says nothing about escalation gets: a day's notice, the parent after 3 days, the issuer after 7. */
export const DEFAULT_LADDER: EscalationLadder = {
  remindBefore: 'P1D',
  parentAfter: 'P3D',
  issuerAfter: 'P7D',
};

const STEPS = ['remindBefore', 'parentAfter', 'issuerAfter', 'aboveAfter'] as const;

function seconds(iso: string): number | null {
  const d = Duration.fromISO(iso);
  return d.isValid ? d.as('seconds') : null;
}

/** Problems with a ladder, as `field: message` strings; empty when valid. */
export function ladderProblems(ladder: unknown): string[] {
  if (!ladder || typeof ladder !== 'object' || Array.isArray(ladder)) return ['must be an object'];
  const l = ladder as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(l)) {
    if (!(STEPS as readonly string[]).includes(key))
      problems.push(`${key}: not a step (${STEPS.join(', ')})`);
  }
  for (const key of STEPS) {
    const v = l[key];
    if (v === undefined) continue;
    const s = typeof v === 'string' ? seconds(v) : null;
    if (s === null || s <= 0) problems.push(`${key}: must be a positive ISO 8601 duration (P3D, PT30S)`);
  }
  const after = (key: (typeof STEPS)[number]) => (typeof l[key] === 'string' ? seconds(l[key]) : null);
  const parent = after('parentAfter');
  const issuer = after('issuerAfter');
  const above = after('aboveAfter');
  if (parent !== null && issuer !== null && issuer < parent) {
    problems.push('issuerAfter: must not come before parentAfter');
  }
  // The body above the issuer hears last: after the issuer (or, without an issuer step, after the parent).
  if (above !== null && issuer !== null && above < issuer) {
    problems.push('aboveAfter: must not come before issuerAfter');
  } else if (above !== null && issuer === null && parent !== null && above < parent) {
    problems.push('aboveAfter: must not come before parentAfter');
  }
  return problems;
}

export type CycleStepKind =
  'remind' | 'overdue' | 'escalate-parent' | 'escalate-issuer' | 'escalate-above' | 'close';

export interface CycleStep {
  /** ISO instant (UTC) at which the step runs. */
  at: string;
  kind: CycleStepKind;
  /** For `close`: the tier whose hubs close their aggregation (1 = the hubs right above the grassroots). */
  tier: number;
}

const ORDER: Record<CycleStepKind, number> = {
  remind: 0,
  overdue: 1,
  'escalate-parent': 2,
  'escalate-issuer': 3,
  'escalate-above': 4,
  close: 5,
};

const plus = (iso: string, s: number): string => new Date(Date.parse(iso) + s * 1000).toISOString();

/**
 * The timed steps of one reporting cycle, in the order a workflow runs them: the reminder, the overdue mark at the
 * grassroots deadline, the escalations, and, for each tier of hubs up to the issuer, the closing of their
 * aggregation at their own (staggered) deadline. Steps at the same instant run overdue before escalation before
 * closing, lower tiers first. Pure: the reporting workflow sets its timers from it.
 */
export function cycleSteps(cycle: Cycle, issuerTier: number, ladder: EscalationLadder): CycleStep[] {
  const due = cycle.deadlines[0];
  const steps: CycleStep[] = [];
  if (ladder.remindBefore) {
    const at = plus(due, -(seconds(ladder.remindBefore) ?? 0));
    if (at > cycle.opensAt) steps.push({ at, kind: 'remind', tier: 0 });
  }
  steps.push({ at: due, kind: 'overdue', tier: 0 });
  if (ladder.parentAfter)
    steps.push({ at: plus(due, seconds(ladder.parentAfter) ?? 0), kind: 'escalate-parent', tier: 0 });
  if (ladder.issuerAfter)
    steps.push({ at: plus(due, seconds(ladder.issuerAfter) ?? 0), kind: 'escalate-issuer', tier: 0 });
  // Only when asked for: the steps of a ladder without it (every directive before it existed) are unchanged.
  if (ladder.aboveAfter)
    steps.push({ at: plus(due, seconds(ladder.aboveAfter) ?? 0), kind: 'escalate-above', tier: 0 });
  for (let tier = 1; tier <= issuerTier; tier++) {
    const at = cycle.deadlines[Math.min(tier, cycle.deadlines.length - 1)];
    steps.push({ at: at < due ? due : at, kind: 'close', tier });
  }
  return steps.sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || ORDER[a.kind] - ORDER[b.kind] || a.tier - b.tier,
  );
}
