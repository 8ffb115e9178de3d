import { vietnamCalendar } from './vn-official';
import {
  cycleAt,
  cycleCount,
  cyclesBetween,
  scheduleProblems,
  type DeadlineOptions,
  type PeriodicSchedule,
} from './schedule';

const calendar = vietnamCalendar();
const keep: DeadlineOptions = { calendar, policy: 'keep' };
const previous: DeadlineOptions = { calendar, policy: 'previous-working-day' };
const next: DeadlineOptions = { calendar, policy: 'next-working-day' };

const periodic = (s: Omit<PeriodicSchedule, 'kind'>): PeriodicSchedule => ({ kind: 'periodic', ...s });
/** A cycle's label, data period and tier 0's last day. */
const at = (s: PeriodicSchedule, index: number, options = keep) => {
  const c = cycleAt(s, index, options)!;
  return [c.label, c.period?.from, c.period?.to, c.lastDays[0]];
};

describe('periodic schedules: Decree 09/2019, art. 12 — data from the 15th to the 14th', () => {
  it('monthly: the 15th of the previous month to the 14th, across the year', () => {
    const s = periodic({ every: 'month', rule: 'on', day: 20, from: '2026-01' });
    expect(cycleCount(s)).toBeNull();
    expect(cycleAt(s, 0, keep)).toEqual({
      index: 0,
      label: '2026-01',
      opensAt: '2025-12-14T17:00:00.000Z', // 00:00 on 15 December in Hà Nội
      period: { from: '2025-12-15', to: '2026-01-14' },
      provisional: false,
      lastDays: ['2026-01-20'],
      deadlines: ['2026-01-20T17:00:00.000Z'],
    });
    expect(at(s, 1)).toEqual(['2026-02', '2026-01-15', '2026-02-14', '2026-02-20']);
    expect(at(s, 11)).toEqual(['2026-12', '2026-11-15', '2026-12-14', '2026-12-20']);
  });

  it('quarterly: calendar quarters, from the 15th of the month before to the 14th of the last month', () => {
    const s = periodic({ every: 'quarter', rule: 'before', day: 20, from: '2024-01', until: '2024-12' });
    expect(cycleCount(s)).toBe(4);
    expect(at(s, 0)).toEqual(['2024-Q1', '2023-12-15', '2024-03-14', '2024-03-19']);
    expect(at(s, 1)).toEqual(['2024-Q2', '2024-03-15', '2024-06-14', '2024-06-19']);
    expect(at(s, 3)).toEqual(['2024-Q4', '2024-09-15', '2024-12-14', '2024-12-19']);
    expect(cycleAt(s, 4, keep)).toBeNull();
    // `until` names any month of the last period.
    expect(cycleCount({ ...s, until: '2024-10' })).toBe(4);
    expect(cycleCount({ ...s, until: '2024-09' })).toBe(3);
    expect(cycleCount({ ...s, until: '2025-01' })).toBe(5);
  });

  it('half-yearly: January–June and July–December, into the next year', () => {
    const s = periodic({ every: 'half-year', rule: 'on', day: 25, from: '2026-07' });
    expect(at(s, 0)).toEqual(['2026-H2', '2026-06-15', '2026-12-14', '2026-12-25']);
    expect(at(s, 1)).toEqual(['2027-H1', '2026-12-15', '2027-06-14', '2027-06-25']);
    expect(cycleAt(s, 1, keep)!.opensAt).toBe('2026-12-14T17:00:00.000Z');
    expect(cycleCount({ ...s, until: '2028-12' })).toBe(5);
  });

  it('yearly: 15 December of the year before to 14 December, due the next January', () => {
    const s = periodic({ every: 'year', rule: 'on', day: 15, dueMonthOffset: 1, from: '2025-01' });
    expect(at(s, 0)).toEqual(['2025', '2024-12-15', '2025-12-14', '2026-01-15']);
    expect(at(s, 1)).toEqual(['2026', '2025-12-15', '2026-12-14', '2027-01-15']);
    expect(cycleCount({ ...s, until: '2027-06' })).toBe(3);
  });
});

describe('periodic schedules: another cut-off, month ends and leap years', () => {
  it('cutoff 31 gives calendar months, February included, leap or not', () => {
    const s = periodic({ every: 'month', rule: 'on', day: 31, cutoff: 31, from: '2024-01' });
    expect(at(s, 0)).toEqual(['2024-01', '2024-01-01', '2024-01-31', '2024-01-31']);
    expect(at(s, 1)).toEqual(['2024-02', '2024-02-01', '2024-02-29', '2024-02-29']);
    expect(at(s, 13)).toEqual(['2025-02', '2025-02-01', '2025-02-28', '2025-02-28']);
    expect(at(s, 14)).toEqual(['2025-03', '2025-03-01', '2025-03-31', '2025-03-31']);
  });

  it("a cut-off past February's end ends February on its last day, and March starts the day after", () => {
    const s = periodic({
      every: 'month',
      rule: 'before',
      day: 1,
      dueMonthOffset: 1,
      cutoff: 30,
      from: '2023-02',
    });
    expect(at(s, 0)).toEqual(['2023-02', '2023-01-31', '2023-02-28', '2023-02-28']);
    expect(at(s, 1)).toEqual(['2023-03', '2023-03-01', '2023-03-30', '2023-03-31']);
  });

  it('"before the 31st" and "on the 31st" some months later keep to the month they fall in', () => {
    const s = periodic({ every: 'quarter', rule: 'on', day: 31, dueMonthOffset: 2, from: '2025-10' });
    expect(at(s, 0)).toEqual(['2025-Q4', '2025-09-15', '2025-12-14', '2026-02-28']);
    expect(at(s, 1)).toEqual(['2026-Q1', '2025-12-15', '2026-03-14', '2026-05-31']);
    const before = periodic({ every: 'month', rule: 'before', day: 31, from: '2028-02' });
    // "Before the 31st" of a shorter month is its last day (29 February in a leap year), as for monthly schedules.
    expect(at(before, 0)).toEqual(['2028-02', '2028-01-15', '2028-02-14', '2028-02-29']);
    expect(at(before, 1)).toEqual(['2028-03', '2028-02-15', '2028-03-14', '2028-03-30']);
  });

  it('periodDays: the last days before the cut-off only; the cycle opens when they start', () => {
    const s = periodic({
      every: 'month',
      rule: 'on',
      day: 5,
      dueMonthOffset: 1,
      cutoff: 31,
      periodDays: 7,
      from: '2026-02',
    });
    const feb = cycleAt(s, 0, keep)!;
    expect(feb.period).toEqual({ from: '2026-02-22', to: '2026-02-28' });
    expect(feb.opensAt).toBe('2026-02-21T17:00:00.000Z');
    expect(feb.lastDays).toEqual(['2026-03-05']);
    expect(cycleAt(s, 1, keep)!.period).toEqual({ from: '2026-03-25', to: '2026-03-31' });
  });
});

describe('periodic schedules under the calendar', () => {
  it('a yearly deadline on the 2 January 2026 day off moves back over New Year into 2025', () => {
    const s = periodic({ every: 'year', rule: 'on', day: 2, dueMonthOffset: 1, from: '2025-01' });
    expect(cycleAt(s, 0, keep)!.lastDays).toEqual(['2026-01-02']);
    expect(cycleAt(s, 0, previous)!.lastDays).toEqual(['2025-12-31']);
    expect(cycleAt(s, 0, next)!.lastDays).toEqual(['2026-01-05']);
  });

  it('a quarterly deadline in Tết 2026 (16–20 February) moves to the Friday before or the Monday after', () => {
    const s = periodic({ every: 'quarter', rule: 'before', day: 19, dueMonthOffset: 2, from: '2025-10' });
    expect(cycleAt(s, 0, keep)!.lastDays).toEqual(['2026-02-18']);
    expect(cycleAt(s, 0, previous)!.lastDays).toEqual(['2026-02-13']);
    expect(cycleAt(s, 0, next)!.lastDays).toEqual(['2026-02-23']);
  });

  it('staggers each tier by days, each moved on its own', () => {
    // 2 September 2025 (Tuesday) and the 1st are days off; 30–31 August a weekend.
    const s = periodic({ every: 'month', rule: 'on', day: 28, from: '2025-08' });
    const aug = cycleAt(s, 0, { ...previous, stagger: [0, 3, 5] })!;
    expect(aug.lastDays).toEqual(['2025-08-28', '2025-08-29', '2025-08-29']);
    expect(cycleAt(s, 0, { ...next, stagger: [0, 3, 6] })!.lastDays).toEqual([
      '2025-08-28',
      '2025-09-03',
      '2025-09-03',
    ]);
  });

  it('lists the cycles whose deadline falls in a window', () => {
    const s = periodic({ every: 'quarter', rule: 'on', day: 20, from: '2026-01' });
    const year = cyclesBetween(s, '2026-01-01T00:00:00+07:00', '2027-01-01T00:00:00+07:00', keep);
    expect(year.map((c) => [c.label, c.lastDays[0]])).toEqual([
      ['2026-Q1', '2026-03-20'],
      ['2026-Q2', '2026-06-20'],
      ['2026-Q3', '2026-09-20'],
      ['2026-Q4', '2026-12-20'],
    ]);
  });
});

describe('weekly schedules', () => {
  it('by default the ISO week, Monday to Sunday, labelled by its ISO week, across the new year', () => {
    const s = periodic({ every: 'week', rule: 'on', day: 1, from: '2026-01-01' });
    expect(cycleAt(s, 0, keep)).toMatchObject({
      label: '2026-W01',
      opensAt: '2025-12-28T17:00:00.000Z',
      period: { from: '2025-12-29', to: '2026-01-04' },
      lastDays: ['2026-01-05'],
    });
    expect(at(s, 1)).toEqual(['2026-W02', '2026-01-05', '2026-01-11', '2026-01-12']);
    // 2026 has 53 ISO weeks; the 53rd ends in 2027.
    expect(at(s, 52)).toEqual(['2026-W53', '2026-12-28', '2027-01-03', '2027-01-04']);
    expect(at(s, 53)).toEqual(['2027-W01', '2027-01-04', '2027-01-10', '2027-01-11']);
  });

  it('another cut-off weekday: Friday to Thursday, due "before Saturday" (the Friday)', () => {
    const s = periodic({ every: 'week', rule: 'before', day: 6, cutoff: 4, from: '2026-03-02' });
    expect(at(s, 0)).toEqual(['2026-W10', '2026-02-27', '2026-03-05', '2026-03-06']);
    // "On" the cut-off weekday is the cut-off day itself; "before" it is the day before the next one.
    expect(at({ ...s, rule: 'on', day: 4 }, 0)).toEqual([
      '2026-W10',
      '2026-02-27',
      '2026-03-05',
      '2026-03-05',
    ]);
    expect(at({ ...s, rule: 'before', day: 4 }, 0)[3]).toBe('2026-03-11');
    expect(at({ ...s, rule: 'on', day: 3 }, 0)[3]).toBe('2026-03-11');
  });

  it('counts weeks from the week of `from` to the week of `until`', () => {
    const s = periodic({ every: 'week', rule: 'on', day: 1, from: '2026-01-01', until: '2026-03-31' });
    expect(cycleCount(s)).toBe(14);
    expect(at(s, 13)).toEqual(['2026-W14', '2026-03-30', '2026-04-05', '2026-04-06']);
    expect(cycleAt(s, 14, keep)).toBeNull();
    expect(cycleCount({ ...s, until: '2026-01-04' })).toBe(1);
  });

  it('periodDays: Monday to Friday', () => {
    const s = periodic({ every: 'week', rule: 'on', day: 1, cutoff: 5, periodDays: 5, from: '2026-03-02' });
    expect(at(s, 0)).toEqual(['2026-W10', '2026-03-02', '2026-03-06', '2026-03-09']);
  });

  it('a Friday deadline on 2 January 2026 moves back to 31 December; a worked Saturday stays', () => {
    const s = periodic({ every: 'week', rule: 'on', day: 5, cutoff: 4, from: '2025-12-30' });
    expect(at(s, 0, previous)).toEqual(['2026-W01', '2025-12-26', '2026-01-01', '2025-12-31']);
    expect(at(s, 0, next)[3]).toBe('2026-01-05');
    // Saturday 10 January 2026 is worked for Friday 2 January.
    const saturday = periodic({ every: 'week', rule: 'on', day: 6, cutoff: 5, from: '2026-01-05' });
    expect(at(saturday, 0, previous)).toEqual(['2026-W02', '2026-01-03', '2026-01-09', '2026-01-10']);
  });
});

describe('periodic validation names the field', () => {
  const month = { every: 'month', rule: 'on', day: 20, from: '2026-01' } as const;
  const week = { every: 'week', rule: 'on', day: 1, from: '2026-01-05' } as const;
  it.each<[Omit<PeriodicSchedule, 'kind'>, string]>([
    [{ ...month, every: 'fortnight' as 'week' }, 'every: must be week, month, quarter, half-year or year'],
    [{ ...month, rule: 'after' as 'on' }, "rule: must be 'on' or 'before'"],
    [{ ...month, day: 32 }, 'day: must be 1-31'],
    [{ ...month, cutoff: 0 }, 'cutoff: must be a day 1-31'],
    [{ ...month, dueMonthOffset: 13 }, 'dueMonthOffset: must be a whole number 0-12'],
    [{ ...month, dueMonthOffset: -1 }, 'dueMonthOffset: must be a whole number 0-12'],
    [{ ...month, from: '2026-1' }, 'from: must be a month yyyy-mm'],
    [
      { ...month, until: '2025-12' },
      'until: must be a month yyyy-mm (a month of the last period), not before from',
    ],
    [
      { ...month, every: 'quarter', from: '2026-02' },
      'from: must be the first month of a quarter (yyyy-01, -04, -07 or -10)',
    ],
    [
      { ...month, every: 'half-year', from: '2026-04' },
      'from: must be the first month of a half-year (yyyy-01 or -07)',
    ],
    [{ ...month, every: 'year', from: '2026-12' }, 'from: must be the first month of a year (yyyy-01)'],
    [{ ...month, periodDays: 0 }, 'periodDays: must be a whole number of days, at least 1'],
    [{ ...month, periodDays: 29 }, 'periodDays: must not be longer than the cycle (28 days)'],
    [
      { ...month, every: 'quarter', periodDays: 91 },
      'periodDays: must not be longer than the cycle (90 days)',
    ],
    [
      { ...month, every: 'half-year', periodDays: 183 },
      'periodDays: must not be longer than the cycle (182 days)',
    ],
    [
      { ...month, every: 'half-year', cutoff: 31, day: 31, periodDays: 182 },
      'periodDays: must not be longer than the cycle (181 days)',
    ],
    [
      { ...month, every: 'year', periodDays: 366 },
      'periodDays: must not be longer than the cycle (365 days)',
    ],
    [{ ...week, periodDays: 8 }, 'periodDays: must not be longer than the cycle (7 days)'],
    [
      { ...month, day: 8 },
      'day: the deadline must not fall before the period ends (in January: day 8, before the cut-off on day 14); choose a later day or a dueMonthOffset',
    ],
    [
      { ...month, rule: 'before', day: 14 },
      'day: the deadline must not fall before the period ends (in January: day 13, before the cut-off on day 14); choose a later day or a dueMonthOffset',
    ],
    [
      { ...month, day: 30, cutoff: 31 },
      'day: the deadline must not fall before the period ends (in January: day 30, before the cut-off on day 31); choose a later day or a dueMonthOffset',
    ],
    [
      { ...month, every: 'half-year', day: 30, cutoff: 31 },
      'day: the deadline must not fall before the period ends (in December: day 30, before the cut-off on day 31); choose a later day or a dueMonthOffset',
    ],
    [{ ...week, day: 0 }, 'day: must be a weekday 1-7 (Monday-Sunday)'],
    [{ ...week, cutoff: 8 }, 'cutoff: must be a weekday 1-7 (Monday-Sunday)'],
    [
      { ...week, dueMonthOffset: 0 },
      "dueMonthOffset: not for weeks (a week's deadline falls in the 7 days from its cut-off)",
    ],
    [{ ...week, from: '2026-02-30' }, 'from: must be a date yyyy-mm-dd (a day of the first week)'],
    [{ ...week, from: '2026-01' }, 'from: must be a date yyyy-mm-dd (a day of the first week)'],
    [
      { ...week, until: '2026-01-04' },
      'until: must be a date yyyy-mm-dd (a day of the last week), not before from',
    ],
  ])('%j → %s', (s, problem) => {
    const schedule = periodic(s);
    expect(scheduleProblems(schedule)).toContain(problem);
    expect(() => cycleAt(schedule, 0, keep)).toThrow(problem);
  });

  it('accepts the edges: the shortest cycle as periodDays, a deadline on the cut-off day, any until in the period', () => {
    for (const s of [
      { ...month, periodDays: 28 },
      { ...month, every: 'quarter', periodDays: 90 },
      { ...month, day: 14 },
      { ...month, rule: 'before', day: 15 },
      { ...month, day: 8, dueMonthOffset: 1 },
      { ...month, day: 31, cutoff: 31 },
      { ...week, periodDays: 7, until: '2026-01-05' },
      { ...week, rule: 'before', day: 1, cutoff: 7 },
    ] as const)
      expect([s, scheduleProblems(periodic(s))]).toEqual([s, []]);
  });
});
