import { cycleAt } from '../calendar/schedule';
import { loadHolidayCalendar } from '../calendar/holidays';
import { VN_HOLIDAYS } from '../calendar/vn-official';
import { cycleSteps, DEFAULT_LADDER, ladderProblems } from './ladder';

const calendar = loadHolidayCalendar(VN_HOLIDAYS);

describe('escalation ladder', () => {
  it('accepts ISO durations and refuses anything else, naming the step', () => {
    expect(ladderProblems(DEFAULT_LADDER)).toEqual([]);
    expect(ladderProblems({ remindBefore: 'PT30S', issuerAfter: 'PT2M' })).toEqual([]);
    expect(ladderProblems({ parentAfter: '3 days' })).toEqual([
      'parentAfter: must be a positive ISO 8601 duration (P3D, PT30S)',
    ]);
    expect(ladderProblems({ parentAfter: 'P3D', issuerAfter: 'P1D' })).toEqual([
      'issuerAfter: must not come before parentAfter',
    ]);
    expect(ladderProblems({ later: 'P1D' })).toEqual([
      'later: not a step (remindBefore, parentAfter, issuerAfter, aboveAfter)',
    ]);
    expect(ladderProblems(null)).toEqual(['must be an object']);
    expect(ladderProblems({ remindBefore: 'PT0S' })).toHaveLength(1);
  });

  it('validates the rung above the issuer: a positive duration, not before the issuer (or the parent)', () => {
    expect(ladderProblems({ ...DEFAULT_LADDER, aboveAfter: 'P10D' })).toEqual([]);
    expect(ladderProblems({ issuerAfter: 'P7D', aboveAfter: 'P7D' })).toEqual([]);
    expect(ladderProblems({ aboveAfter: 'PT1M' })).toEqual([]);
    expect(ladderProblems({ issuerAfter: 'P7D', aboveAfter: 'P5D' })).toEqual([
      'aboveAfter: must not come before issuerAfter',
    ]);
    expect(ladderProblems({ parentAfter: 'P3D', aboveAfter: 'P2D' })).toEqual([
      'aboveAfter: must not come before parentAfter',
    ]);
    expect(ladderProblems({ aboveAfter: 'PT0S' })).toEqual([
      'aboveAfter: must be a positive ISO 8601 duration (P3D, PT30S)',
    ]);
    expect(ladderProblems({ aboveAfter: 10 })).toEqual([
      'aboveAfter: must be a positive ISO 8601 duration (P3D, PT30S)',
    ]);
  });

  it('plans the rung above the issuer last, only when the ladder has it', () => {
    const cycle = cycleAt(
      { kind: 'interval', start: '2026-01-01T00:00:00Z', everySeconds: 10, count: 1 },
      0,
      { calendar, policy: 'keep', tiers: 2 },
    )!;
    const kinds = (ladder: object) => cycleSteps(cycle, 1, ladder).map((s) => `${s.kind}${s.tier}`);
    const without = { parentAfter: 'PT2S', issuerAfter: 'PT4S' };
    expect(kinds(without)).toEqual(['overdue0', 'close1', 'escalate-parent0', 'escalate-issuer0']);
    expect(kinds({ ...without, aboveAfter: 'PT6S' })).toEqual([
      'overdue0',
      'close1',
      'escalate-parent0',
      'escalate-issuer0',
      'escalate-above0',
    ]);
    // At the issuer's instant, the issuer's rung runs first; the tiers' closing after both.
    expect(kinds({ issuerAfter: 'PT1S', aboveAfter: 'PT1S' })).toEqual([
      'overdue0',
      'close1',
      'escalate-issuer0',
      'escalate-above0',
    ]);
    expect(cycleSteps(cycle, 1, { aboveAfter: 'PT6S' }).at(-1)).toEqual({
      at: '2026-01-01T00:00:16.000Z',
      kind: 'escalate-above',
      tier: 0,
    });
  });

  it('plans a monthly cycle on the 8th: reminder the day before, overdue, escalations, then each level closes', () => {
    const cycle = cycleAt({ kind: 'monthly', rule: 'on', day: 8, from: '2020-06' }, 0, {
      calendar,
      policy: 'keep',
      stagger: [0, 2, 4],
      tiers: 3,
    })!;
    // Deadlines are the first instant after the last day, Việt Nam time (UTC+7).
    expect(cycleSteps(cycle, 2, DEFAULT_LADDER)).toEqual([
      { at: '2020-06-07T17:00:00.000Z', kind: 'remind', tier: 0 },
      { at: '2020-06-08T17:00:00.000Z', kind: 'overdue', tier: 0 },
      { at: '2020-06-10T17:00:00.000Z', kind: 'close', tier: 1 },
      { at: '2020-06-11T17:00:00.000Z', kind: 'escalate-parent', tier: 0 },
      { at: '2020-06-12T17:00:00.000Z', kind: 'close', tier: 2 },
      { at: '2020-06-15T17:00:00.000Z', kind: 'escalate-issuer', tier: 0 },
    ]);
  });

  it('orders steps at one instant: overdue, escalation, closing lower tiers first', () => {
    const cycle = cycleAt(
      { kind: 'interval', start: '2026-01-01T00:00:00Z', everySeconds: 60, count: 1 },
      0,
      {
        calendar,
        policy: 'keep',
        tiers: 3,
      },
    )!;
    expect(cycleSteps(cycle, 2, { parentAfter: 'PT1S' }).map((s) => `${s.kind}${s.tier}`)).toEqual([
      'overdue0',
      'close1',
      'close2',
      'escalate-parent0',
    ]);
  });

  it('skips a reminder that would fall before the cycle opens, and absent steps', () => {
    const cycle = cycleAt(
      { kind: 'interval', start: '2026-01-01T00:00:00Z', everySeconds: 10, count: 1 },
      0,
      {
        calendar,
        policy: 'keep',
        stagger: [0, 5],
        tiers: 2,
      },
    )!;
    expect(cycleSteps(cycle, 1, { remindBefore: 'PT1M' })).toEqual([
      { at: '2026-01-01T00:00:10.000Z', kind: 'overdue', tier: 0 },
      { at: '2026-01-01T00:00:15.000Z', kind: 'close', tier: 1 },
    ]);
  });
});
