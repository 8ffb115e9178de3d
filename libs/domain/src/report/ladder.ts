import { Duration } from 'luxon';
import type { Cycle } from '../calendar/schedule';

/**
 * How a directive chases late units (đôn đốc), as ISO 8601 durations counted from the grassroots deadline:
 * a reminder `remindBefore` it, overdue at it, escalation to the parent's leaders `parentAfter` it and to the
 * issuer's leaders `issuerAfter` it. An absent step is skipped.
 */
export interface EscalationLadder {
  remindBefore?: string;
  parentAfter?: string;
  issuerAfter?: string;
}

/** What a directive that says nothing about escalation gets: a day's notice, the parent after 3 days, the issuer after 7. */
export const DEFAULT_LADDER: EscalationLadder = {
  remindBefore: 'P1D',
  parentAfter: 'P3D',
  issuerAfter: 'P7D',
};

const STEPS = ['remindBefore', 'parentAfter', 'issuerAfter'] as const;

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
  const parent = typeof l.parentAfter === 'string' ? seconds(l.parentAfter) : null;
  const issuer = typeof l.issuerAfter === 'string' ? seconds(l.issuerAfter) : null;
  if (parent !== null && issuer !== null && issuer < parent) {
    problems.push('issuerAfter: must not come before parentAfter');
  }
  return problems;
}

export type CycleStepKind = 'remind' | 'overdue' | 'escalate-parent' | 'escalate-issuer' | 'close';

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
  close: 4,
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
  for (let tier = 1; tier <= issuerTier; tier++) {
    const at = cycle.deadlines[Math.min(tier, cycle.deadlines.length - 1)];
    steps.push({ at: at < due ? due : at, kind: 'close', tier });
  }
  return steps.sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || ORDER[a.kind] - ORDER[b.kind] || a.tier - b.tier,
  );
}
