import { loadHolidayCalendar } from './holidays';
import { vietnamCalendar, VN_HOLIDAYS } from './vn-official';
import {
  ADHOC_LABEL,
  applyPolicy,
  cycleAt,
  cycleCount,
  cyclesBetween,
  cycleOfView,
  cycleView,
  isWorkingDay,
  OPEN_ENDED,
  resolveSchedule,
  ScheduleError,
  scheduleProblems,
  type DeadlineOptions,
  type Phase,
  type Schedule,
} from './schedule';
import { plannedCycle } from './schedules';

const calendar = loadHolidayCalendar(VN_HOLIDAYS);
const keep: DeadlineOptions = { calendar, policy: 'keep' };

/** 00:00 in Hà Nội of the day after `lastDay`, as UTC. */
const deadlineAfter = (lastDay: string) => {
  const [y, m, d] = lastDay.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1) - 7 * 3600_000).toISOString();
};

describe('the seeds’ schedules', () => {
  it('Tây Ninh: "định kỳ ngày 08 hàng tháng" — monthly, on the 8th', () => {
    const schedule: Schedule = { kind: 'monthly', rule: 'on', day: 8, from: '2020-05' };
    expect(cycleCount(schedule)).toBeNull();
    const may = cycleAt(schedule, 0, keep)!;
    expect(may).toEqual({
      index: 0,
      label: '2020-05',
      opensAt: '2020-04-30T17:00:00.000Z',
      period: { from: '2020-04-09', to: '2020-05-08' },
      provisional: false,
      lastDays: ['2020-05-08'],
      deadlines: ['2020-05-08T17:00:00.000Z'], // 00:00 on the 9th in Hà Nội
    });
    expect(cycleAt(schedule, 7, keep)!.lastDays).toEqual(['2020-12-08']);
  });

  it('Sơn La: "trước ngày 15 hàng tháng kể từ tháng 01/2020" — before the 15th, from January 2020', () => {
    const schedule: Schedule = { kind: 'monthly', rule: 'before', day: 15, from: '2020-01' };
    const jan = cycleAt(schedule, 0, keep)!;
    expect(jan.lastDays).toEqual(['2020-01-14']);
    expect(jan.deadlines).toEqual([deadlineAfter('2020-01-14')]);
    expect(cycleAt(schedule, 11, keep)!.label).toBe('2020-12');
  });

  it('staggers deadlines by level: grassroots by the 8th, district by the 10th, province by the 12th', () => {
    const schedule: Schedule = { kind: 'monthly', rule: 'on', day: 8, from: '2020-06' };
    const june = cycleAt(schedule, 0, { ...keep, stagger: [0, 2, 4] })!;
    expect(june.lastDays).toEqual(['2020-06-08', '2020-06-10', '2020-06-12']);
    expect(june.deadlines).toEqual(june.lastDays.map((d) => deadlineAfter(d!)));
  });

  it('Thanh Hóa: "kịp thời" — ad hoc, one stream open from dispatch, no deadline', () => {
    const adhoc: Schedule = { kind: 'adhoc' };
    expect(cycleCount(adhoc)).toBe(1);
    const resolved = resolveSchedule(adhoc, '2026-03-02T01:30:00.000Z');
    expect(cycleAt(resolved, 0, { ...keep, stagger: [0, 2] })).toEqual({
      index: 0,
      label: 'Kịp thời',
      opensAt: '2026-03-02T01:30:00.000Z',
      period: null,
      provisional: false,
      lastDays: [null, null],
      deadlines: [OPEN_ENDED, OPEN_ENDED],
      openEnded: true,
    });
    expect(cycleAt(resolved, 1, keep)).toBeNull();
  });

  it('phases "Đợt 1 … Đợt 4", each with its own window', () => {
    const schedule: Schedule = {
      kind: 'phases',
      phases: [
        { name: 'Đợt 1', opens: '2019-11-15', closes: '2019-12-15' },
        { name: 'Đợt 2', opens: '2020-01-01', closes: '2020-02-28' },
      ],
    };
    expect(cycleAt(schedule, 1, keep)).toMatchObject({
      label: 'Đợt 2',
      opensAt: '2019-12-31T17:00:00.000Z',
      lastDays: ['2020-02-28'],
    });
    expect(cycleAt(schedule, 2, keep)).toBeNull();
  });
});

describe('weekends and holidays under each policy', () => {
  // March 2020: the 8th is a Sunday.
  const march: Schedule = { kind: 'monthly', rule: 'on', day: 8, from: '2020-03', until: '2020-03' };
  it.each([
    ['keep', '2020-03-08'],
    ['previous-working-day', '2020-03-06'],
    ['next-working-day', '2020-03-09'],
  ] as const)('a Sunday deadline under %s → %s', (policy, last) => {
    expect(cycleAt(march, 0, { calendar, policy })!.lastDays).toEqual([last]);
  });

  it('skips Tết: before the 24th of January 2020 falls in the Lunar New Year holiday (23–29 January)', () => {
    const jan: Schedule = { kind: 'monthly', rule: 'before', day: 24, from: '2020-01', until: '2020-01' };
    expect(cycleAt(jan, 0, { calendar, policy: 'keep' })!.lastDays).toEqual(['2020-01-23']);
    expect(cycleAt(jan, 0, { calendar, policy: 'next-working-day' })!.lastDays).toEqual(['2020-01-30']);
    expect(cycleAt(jan, 0, { calendar, policy: 'previous-working-day' })!.lastDays).toEqual(['2020-01-22']);
  });

  it('moves each staggered tier on its own', () => {
    // May 2020: 1 May is a holiday (Friday), the 2nd and 3rd are a weekend.
    const may: Schedule = { kind: 'monthly', rule: 'on', day: 1, from: '2020-05', until: '2020-05' };
    expect(cycleAt(may, 0, { calendar, policy: 'next-working-day', stagger: [0, 1, 3] })!.lastDays).toEqual([
      '2020-05-04',
      '2020-05-04',
      '2020-05-04',
    ]);
    expect(cycleAt(may, 0, { calendar, policy: 'previous-working-day', stagger: [0, 4] })!.lastDays).toEqual([
      '2020-04-29',
      '2020-05-05',
    ]);
  });

  it('knows weekends and holidays', () => {
    expect(isWorkingDay('2020-09-02', calendar)).toBe(false);
    expect(isWorkingDay('2020-09-05', calendar)).toBe(false); // Saturday
    expect(isWorkingDay('2020-09-04', calendar)).toBe(true);
    expect(applyPolicy('2020-09-02', calendar, 'next-working-day')).toBe('2020-09-03');
  });

  it('refuses to guess for a year a calendar neither holds nor computes; `keep` needs no calendar at all', () => {
    const later: Schedule = { kind: 'monthly', rule: 'on', day: 8, from: '2031-01' };
    expect(() => cycleAt(later, 0, { calendar, policy: 'next-working-day' })).toThrow(
      'calendar: no holiday calendar is loaded for 2031',
    );
    const none = loadHolidayCalendar({});
    expect(cycleAt(later, 0, { calendar: none, policy: 'keep' })).toMatchObject({
      lastDays: ['2031-01-08'],
      provisional: false,
    });
    const custom = loadHolidayCalendar({ '2031': ['2031-01-01'] });
    expect(cycleAt(later, 0, { calendar: custom, policy: 'next-working-day' })!.lastDays).toEqual([
      '2031-01-08',
    ]);
  });
});

describe('month ends and edge days', () => {
  it('"on the 31st" is the last day of shorter months; "before the 1st" is the last day of the month before', () => {
    const on31: Schedule = { kind: 'monthly', rule: 'on', day: 31, from: '2020-02' };
    expect(cycleAt(on31, 0, keep)!.lastDays).toEqual(['2020-02-29']);
    expect(cycleAt(on31, 2, keep)!.lastDays).toEqual(['2020-04-30']);
    const before1: Schedule = { kind: 'monthly', rule: 'before', day: 1, from: '2020-03' };
    expect(cycleAt(before1, 0, keep)!.lastDays).toEqual(['2020-02-29']);
    const before31: Schedule = { kind: 'monthly', rule: 'before', day: 31, from: '2021-02' };
    expect(cycleAt(before31, 0, keep)!.lastDays).toEqual(['2021-02-28']);
  });

  it('counts months from and until, and lists cycles in a window', () => {
    const schedule: Schedule = {
      kind: 'monthly',
      rule: 'before',
      day: 15,
      from: '2020-01',
      until: '2020-12',
    };
    expect(cycleCount(schedule)).toBe(12);
    expect(cycleAt(schedule, 12, keep)).toBeNull();
    const q2 = cyclesBetween(schedule, '2020-04-01T00:00:00+07:00', '2020-07-01T00:00:00+07:00', keep);
    expect(q2.map((c) => c.label)).toEqual(['2020-04', '2020-05', '2020-06']);
  });

  it('lists of dates are taken in order', () => {
    const schedule: Schedule = { kind: 'dates', dates: ['2024-06-30', '2024-03-31'] };
    expect(cycleAt(schedule, 0, keep)!.lastDays).toEqual(['2024-03-31']);
    expect(cycleAt(schedule, 1, keep)!.opensAt).toBe('2024-03-31T17:00:00.000Z');
  });
});

describe('interval schedules (demos and tests)', () => {
  it('puts deadlines seconds apart, staggered in seconds, ignoring the calendar', () => {
    const schedule: Schedule = {
      kind: 'interval',
      start: '2026-11-22T10:00:00Z',
      everySeconds: 60,
      count: 3,
    };
    expect(cycleAt(schedule, 1, { ...keep, stagger: [0, 10, 20] })).toEqual({
      index: 1,
      label: '#2',
      opensAt: '2026-11-22T10:01:00.000Z',
      period: null,
      provisional: false,
      lastDays: [null, null, null],
      deadlines: ['2026-11-22T10:02:00.000Z', '2026-11-22T10:02:10.000Z', '2026-11-22T10:02:20.000Z'],
    });
    expect(cycleAt(schedule, 3, keep)).toBeNull();
  });
});

describe('validation', () => {
  it.each<[Schedule, string]>([
    [{ kind: 'monthly', rule: 'on', day: 0, from: '2020-01' }, 'day: must be 1-31'],
    [{ kind: 'monthly', rule: 'on', day: 8, from: '2020-13' }, 'from: must be a month yyyy-mm'],
    [
      { kind: 'monthly', rule: 'on', day: 8, from: '2020-05', until: '2020-01' },
      'until: must be a month yyyy-mm, not before from',
    ],
    [{ kind: 'dates', dates: ['2020-02-30'] }, 'dates.0: must be a date yyyy-mm-dd'],
    [
      { kind: 'phases', phases: [{ name: 'x', opens: '2020-02-01', closes: '2020-01-01' }] },
      'phases.0.closes: must not be before opens',
    ],
    [{ kind: 'interval', start: 'soon', everySeconds: 0, count: 1 }, 'start: must be an ISO instant'],
  ])('%j → %s', (schedule, problem) => {
    expect(scheduleProblems(schedule)).toContain(problem);
    expect(() => cycleAt(schedule, 0, keep)).toThrow(problem);
  });

  it('checks holiday data belongs to its year', () => {
    expect(() => loadHolidayCalendar({ '2020': ['2021-01-01'] })).toThrow(
      'holiday calendar 2020: "2021-01-01" is not a date of that year',
    );
  });
});

describe('malformed schedules from the outside', () => {
  it.each([
    [null, 'kind: must be monthly, periodic, dates, phases, interval or adhoc'],
    [{ kind: 'phases', phases: 'Đợt 1' }, 'phases: must be a list of phases'],
    [{ kind: 'phases', phases: [null] }, 'phases.0: must be { name, opens, closes }'],
    [{ kind: 'dates', dates: '2020-01-01' }, 'dates: must be a list of dates'],
    [{ kind: 'dates', dates: [20200101] }, 'dates.0: must be a date yyyy-mm-dd'],
    [{ kind: 'weekly' }, 'kind: must be monthly, periodic, dates, phases, interval or adhoc'],
    [{ kind: 'monthly', rule: 'after', day: 8, from: '2020-01' }, "rule: must be 'on' or 'before'"],
    [{ kind: 'monthly', rule: 'on', day: 8, from: 202001 }, 'from: must be a month yyyy-mm'],
    [{ kind: 'interval', start: 5, everySeconds: 60, count: 1 }, 'start: must be an ISO instant'],
  ])('%j → %s, never an exception', (schedule, problem) => {
    expect(scheduleProblems(schedule as unknown as Schedule)).toContain(problem);
  });
});

describe('relative interval schedules and tiers above the stagger', () => {
  const calendar = loadHolidayCalendar(VN_HOLIDAYS);
  it('starts an interval schedule without start at dispatch', () => {
    const schedule = { kind: 'interval', everySeconds: 60, count: 3 } as const;
    expect(scheduleProblems(schedule)).toEqual([]);
    expect(() => cycleAt(schedule, 0, { calendar, policy: 'keep' })).toThrow(ScheduleError);
    expect(() => resolveSchedule(schedule, null)).toThrow(/dispatch/);
    const resolved = resolveSchedule(schedule, '2026-03-01T10:00:00.000Z');
    expect(cycleAt(resolved, 1, { calendar, policy: 'keep' })!.deadlines).toEqual([
      '2026-03-01T10:02:00.000Z',
    ]);
    const monthly = { kind: 'monthly', rule: 'on', day: 8, from: '2020-01' } as const;
    expect(resolveSchedule(monthly, null)).toBe(monthly);
  });

  it('gives tiers above the listed stagger the last offset, never an earlier deadline', () => {
    const cycle = cycleAt({ kind: 'monthly', rule: 'on', day: 8, from: '2020-06' }, 0, {
      calendar,
      policy: 'keep',
      stagger: [0, 2],
      tiers: 4,
    })!;
    expect(cycle.lastDays).toEqual(['2020-06-08', '2020-06-10', '2020-06-10', '2020-06-10']);
  });
});

describe('the Vietnamese calendar, checked against the announced days off', () => {
  const vn = vietnamCalendar();
  it('has the compensatory weekday when a holiday fell on a weekend', () => {
    // Hùng Kings' day on a Sunday (2019-04-14, 2022-04-10, 2026-04-26); New Year on a weekend (2022, 2023);
    // 30 April – 1 May on a weekend (2021, 2022); 2 September on a Saturday (2023); Hùng Kings' day on Saturday
    // 29 April 2023, with 30 April on Sunday: 1–3 May off.
    for (const date of [
      '2019-04-15',
      '2021-05-03',
      '2022-01-03',
      '2022-04-11',
      '2022-05-02',
      '2022-05-03',
      '2023-01-02',
      '2023-05-02',
      '2023-05-03',
      '2023-09-04',
      '2026-04-27',
    ]) {
      expect([date, isWorkingDay(date, vn)]).toEqual([date, false]);
    }
  });

  it('keeps Tết to five working days each year, and works the Saturdays swapped for a day off', () => {
    const tet = {
      2020: '2020-01',
      2021: '2021-02',
      2024: '2024-02',
      2025: '2025-01',
      2026: '2026-02',
    } as const;
    for (const [year, month] of Object.entries(tet)) {
      const days = VN_HOLIDAYS[year].filter((d) => d.startsWith(month) && d.slice(8) !== '01');
      expect([year, days.length]).toEqual([year, 5]);
    }
    expect(isWorkingDay('2024-04-29', vn)).toBe(false);
    expect(isWorkingDay('2024-05-04', vn)).toBe(true); // Saturday worked for Monday 29 April
    expect(isWorkingDay('2025-04-26', vn)).toBe(true); // Saturday worked for Friday 2 May
    expect(isWorkingDay('2025-04-19', vn)).toBe(false); // an ordinary Saturday
    // "before the 5th of May 2024" under previous-working-day: the 4th is a worked Saturday, so it stays.
    expect(applyPolicy('2024-05-04', vn, 'previous-working-day')).toBe('2024-05-04');
  });
});

describe('phases: in time order, never overlapping, the last one possibly open-ended', () => {
  const plan = (...phases: Phase[]): Schedule => ({ kind: 'phases', phases });
  it('takes phases in time order whatever order they are given in', () => {
    const schedule = plan(
      { name: 'Đợt 2', opens: '2020-01-01', closes: '2020-02-28' },
      { name: 'Đợt 1', opens: '2019-11-15', closes: '2019-12-15' },
    );
    expect(scheduleProblems(schedule)).toEqual([]);
    expect(cycleAt(schedule, 0, keep)).toMatchObject({
      label: 'Đợt 1',
      opensAt: '2019-11-14T17:00:00.000Z',
      period: { from: '2019-11-15', to: '2019-12-15' },
      lastDays: ['2019-12-15'],
    });
    expect(cycleAt(schedule, 1, keep)).toMatchObject({ label: 'Đợt 2', lastDays: ['2020-02-28'] });
  });

  it('moves a phase that closes on a holiday by the policy (2 September 2025, then a Monday off)', () => {
    const schedule = plan({ name: 'Đợt 1', opens: '2025-08-01', closes: '2025-09-02' });
    expect(cycleAt(schedule, 0, { calendar, policy: 'previous-working-day' })!.lastDays).toEqual([
      '2025-08-29',
    ]);
  });

  it('gives the open-ended last phase a cycle with no deadline, kept through the stored view', () => {
    const schedule = plan(
      { name: 'Trước Đại hội', opens: '2025-03-01', closes: '2025-06-30' },
      { name: 'Sau Đại hội', opens: '2025-07-01' },
    );
    expect(scheduleProblems(schedule)).toEqual([]);
    expect(cycleCount(schedule)).toBe(2);
    const open = cycleAt(schedule, 1, { ...keep, stagger: [0, 2, 4] })!;
    expect(open).toEqual({
      index: 1,
      label: 'Sau Đại hội',
      opensAt: '2025-06-30T17:00:00.000Z',
      period: null,
      provisional: false,
      lastDays: [null, null, null],
      deadlines: [OPEN_ENDED, OPEN_ENDED, OPEN_ENDED],
      openEnded: true,
    });
    expect(cycleView(open).openEnded).toBe(true);
    expect(cycleOfView(cycleView(open))).toEqual(open);
    const closed = cycleAt(schedule, 0, keep)!;
    expect('openEnded' in closed || 'openEnded' in cycleView(closed)).toBe(false);
    expect(cycleOfView(cycleView(closed))).toStrictEqual(closed);
    // No deadline is ever reached: only the closed phase falls in any window.
    const all = cyclesBetween(schedule, '2025-01-01T00:00:00Z', '9999-01-01T00:00:00Z', keep);
    expect(all.map((c) => c.label)).toEqual(['Trước Đại hội']);
    expect(OPEN_ENDED > '9999-01-01T00:00:00.000Z').toBe(true);
  });

  it.each<[Phase[], string[]]>([
    [
      [
        { name: 'Đợt 1', opens: '2020-01-01', closes: '2020-01-31' },
        { name: 'Đợt 2', opens: '2020-01-31', closes: '2020-02-28' },
      ],
      ['phases.1.opens: overlaps phase 0 (2020-01-01 to 2020-01-31)'],
    ],
    [
      [
        { name: 'Đợt 2', opens: '2020-02-01', closes: '2020-03-01' },
        { name: 'Đợt 1', opens: '2020-01-01', closes: '2020-02-15' },
      ],
      ['phases.0.opens: overlaps phase 1 (2020-01-01 to 2020-02-15)'],
    ],
    [
      // Both short phases fall inside the long one, though not inside each other.
      [
        { name: 'Cả năm', opens: '2020-01-01', closes: '2020-12-31' },
        { name: 'Quý 1', opens: '2020-02-01', closes: '2020-02-10' },
        { name: 'Quý 2', opens: '2020-05-01', closes: '2020-05-10' },
      ],
      [
        'phases.1.opens: overlaps phase 0 (2020-01-01 to 2020-12-31)',
        'phases.2.opens: overlaps phase 0 (2020-01-01 to 2020-12-31)',
      ],
    ],
    [
      [
        { name: 'Đợt 1', opens: '2020-01-01' },
        { name: 'Đợt 2', opens: '2020-03-01', closes: '2020-04-01' },
      ],
      [
        'phases.0.closes: only the last phase may be open-ended',
        'phases.1.opens: overlaps phase 0 (from 2020-01-01, open-ended)',
      ],
    ],
    [
      // The same name, once decomposed (NFD) and with a space: one name.
      [
        { name: 'Đợt 1', opens: '2020-01-01', closes: '2020-01-31' },
        { name: ' Đợt 1'.normalize('NFD'), opens: '2020-02-01', closes: '2020-02-28' },
      ],
      ['phases.1.name: "Đợt 1" is already phase 0\'s name'],
    ],
    [[{ name: '', opens: '2020-01-01', closes: '2020-01-31' }], ['phases.0.name: must be a name']],
    [
      [{ name: 'x', opens: '2020-01-01', closes: '31/01/2020' }],
      ['phases.0.closes: must be a date yyyy-mm-dd'],
    ],
  ])('%j → %j', (phases, problems) => {
    expect(scheduleProblems(plan(...phases))).toEqual(problems);
    expect(() => cycleAt(plan(...phases), 0, keep)).toThrow(problems[0]);
  });

  it('an adjacent phase (opening the day after) does not overlap', () => {
    expect(
      scheduleProblems(
        plan(
          { name: 'Đợt 1', opens: '2020-01-01', closes: '2020-01-31' },
          { name: 'Đợt 2', opens: '2020-02-01' },
        ),
      ),
    ).toEqual([]);
  });
});

describe('ad hoc schedules', () => {
  it('starts at dispatch, or at its own start; refuses to compute unresolved', () => {
    expect(ADHOC_LABEL).toBe('Kịp thời'.normalize('NFC'));
    const adhoc: Schedule = { kind: 'adhoc', digestSeconds: 3600 };
    expect(() => cycleAt(adhoc, 0, keep)).toThrow(ScheduleError);
    try {
      cycleAt(adhoc, 0, keep);
    } catch (e) {
      expect((e as ScheduleError).field).toBe('start');
    }
    expect(() => resolveSchedule(adhoc, null)).toThrow('start: the schedule starts at dispatch');
    expect(resolveSchedule(adhoc, '2026-05-04T02:00:00.000Z')).toEqual({
      kind: 'adhoc',
      digestSeconds: 3600,
      start: '2026-05-04T02:00:00.000Z',
    });
    const own: Schedule = { kind: 'adhoc', start: '2026-05-04T09:00:00+07:00' };
    expect(resolveSchedule(own, '2026-06-01T00:00:00.000Z')).toBe(own);
    expect(cycleAt(own, 0, keep)!.opensAt).toBe('2026-05-04T02:00:00.000Z');
    expect(
      plannedCycle({ schedule: adhoc, stagger: [0, 1] }, '2026-05-04T02:00:00.000Z', 0, calendar),
    ).toMatchObject({
      label: 'Kịp thời',
      deadlines: [OPEN_ENDED, OPEN_ENDED],
      openEnded: true,
    });
    expect(plannedCycle({ schedule: adhoc }, '2026-05-04T02:00:00.000Z', 1, calendar)).toBeNull();
  });

  it.each<[Schedule, string | null]>([
    [{ kind: 'adhoc', digestSeconds: 0 }, 'digestSeconds: must be a whole number 1-31622400 (a year)'],
    [{ kind: 'adhoc', digestSeconds: 1.5 }, 'digestSeconds: must be a whole number 1-31622400 (a year)'],
    [
      { kind: 'adhoc', remindAfterSeconds: 31_622_401 },
      'remindAfterSeconds: must be a whole number 1-31622400 (a year)',
    ],
    [
      { kind: 'adhoc', remindAfterSeconds: '60' as unknown as number },
      'remindAfterSeconds: must be a whole number 1-31622400 (a year)',
    ],
    [{ kind: 'adhoc', start: 'now' }, 'start: must be an ISO instant'],
    [{ kind: 'adhoc', digestSeconds: 1, remindAfterSeconds: 31_622_400 }, null],
  ])('%j → %s', (schedule, problem) => {
    expect(scheduleProblems(schedule)).toEqual(problem ? [problem] : []);
  });
});
