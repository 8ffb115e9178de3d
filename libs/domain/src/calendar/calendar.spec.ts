import { calendarOf, calendarYearProblems, statutoryYear, yearState, type CalendarYear } from './holidays';
import { hungKingsDay, lunarNewYear, lunarToSolar } from './lunar';
import { cycleAt, isWorkingDay, type Schedule } from './schedule';
import { vietnamCalendar, VN_OFFICIAL_YEARS } from './vn-official';

const official = (year: number): CalendarYear => VN_OFFICIAL_YEARS.find((y) => y.year === year)!;
const dates = (days: { date: string }[]) => days.map((d) => d.date).sort();

describe('the Vietnamese lunar calendar (UTC+7)', () => {
  // The announced Tết (mùng 1 tháng Giêng) and Hùng Kings' day (10/3 âm lịch) of every official year.
  const announced: Record<number, [string, string]> = {
    2019: ['2019-02-05', '2019-04-14'],
    2020: ['2020-01-25', '2020-04-02'],
    2021: ['2021-02-12', '2021-04-21'],
    2022: ['2022-02-01', '2022-04-10'],
    2023: ['2023-01-22', '2023-04-29'],
    2024: ['2024-02-10', '2024-04-18'],
    2025: ['2025-01-29', '2025-04-07'],
    2026: ['2026-02-17', '2026-04-26'],
  };
  it.each(Object.entries(announced))('%s: Tết and Hùng Kings’ day as announced', (year, [tet, hung]) => {
    expect([lunarNewYear(Number(year)), hungKingsDay(Number(year))]).toEqual([tet, hung]);
  });

  it('follows Việt Nam, not China, where the two differ', () => {
    expect(lunarNewYear(1968)).toBe('1968-01-29'); // China: 30 January
    expect(lunarNewYear(1985)).toBe('1985-01-21'); // China: 20 February
    expect(lunarNewYear(2007)).toBe('2007-02-17'); // China: 18 February
    expect(lunarToSolar(1, 1, 2007, false, 8)).toBe('2007-02-18'); // the same algorithm at UTC+8
  });

  it('knows the leap months (2020: a leap 4th month; 2023: a leap 2nd month) and refuses one that is not', () => {
    expect(lunarToSolar(1, 4, 2020, true)).toBe('2020-05-23');
    expect(lunarToSolar(1, 2, 2023, true)).toBe('2023-03-22');
    expect(lunarToSolar(1, 3, 2023)).toBe('2023-04-20'); // after the leap month
    expect(lunarToSolar(1, 5, 2023, true)).toBeNull();
    expect(lunarToSolar(1, 5, 2024, true)).toBeNull(); // 2024 has no leap month
  });

  it('2027: Tết on Saturday 6 February, Hùng Kings’ day on Friday 16 April', () => {
    expect(lunarNewYear(2027)).toBe('2027-02-06');
    expect(hungKingsDay(2027)).toBe('2027-04-16');
  });
});

describe('statutory days off (Labour Code 2019, art. 112), computed for years not announced', () => {
  const swaps = (y: CalendarYear) =>
    y.daysOff.filter((d) => d.name.startsWith('Hoán đổi')).map((d) => d.date);

  it.each(VN_OFFICIAL_YEARS.map((y) => [y.year, y] as const))(
    '%s: the computation gives the announced days off, but for the government’s swaps',
    (_year, y) => {
      const computed = statutoryYear(y.year);
      expect(computed.state).toBe('provisional');
      expect(dates(computed.daysOff)).toEqual(dates(y.daysOff).filter((d) => !swaps(y).includes(d)));
    },
  );

  it('makes up Tết’s weekend days alternately before and after it, others on the next working day', () => {
    // Tết 2024 on Saturday 10 February: the 9th (last day of the year) to the 13th; the weekend made up on 8 and 14.
    expect(statutoryYear(2024).daysOff.filter((d) => d.date.startsWith('2024-02'))).toEqual([
      { date: '2024-02-08', name: 'Nghỉ bù Tết Nguyên đán (10/02/2024)' },
      { date: '2024-02-09', name: 'Tết Nguyên đán' },
      { date: '2024-02-12', name: 'Tết Nguyên đán' },
      { date: '2024-02-13', name: 'Tết Nguyên đán' },
      { date: '2024-02-14', name: 'Nghỉ bù Tết Nguyên đán (11/02/2024)' },
    ]);
    // Hùng Kings' day on Saturday 29 April 2023 and 30 April on Sunday: made up on 2 and 3 May, after 1 May.
    expect(dates(statutoryYear(2023).daysOff).filter((d) => d.startsWith('2023-05'))).toEqual([
      '2023-05-01',
      '2023-05-02',
      '2023-05-03',
    ]);
  });

  it('2027 (provisional): Tết 4–10 February, Hùng Kings’ day, 30/4–1/5, 2/9 with Friday 3/9', () => {
    expect(dates(statutoryYear(2027).daysOff)).toEqual([
      '2027-01-01',
      '2027-02-04', // made up for Saturday 6 February (Tết)
      '2027-02-05', // the last day of the lunar year
      '2027-02-08',
      '2027-02-09',
      '2027-02-10', // made up for Sunday 7 February
      '2027-04-16',
      '2027-04-30',
      '2027-05-03', // made up for Saturday 1 May
      '2027-09-02',
      '2027-09-03',
    ]);
    const calendar = vietnamCalendar();
    expect(yearState(calendar, 2026)).toBe('official');
    expect(yearState(calendar, 2027)).toBe('provisional');
    expect(isWorkingDay('2027-02-08', calendar)).toBe(false);
    expect(isWorkingDay('2027-02-11', calendar)).toBe(true);
  });

  it('a Sunday 2 September gets Monday as its adjacent day and Tuesday made up (2029)', () => {
    expect(dates(statutoryYear(2029).daysOff).filter((d) => d.startsWith('2029-09'))).toEqual([
      '2029-09-03',
      '2029-09-04',
    ]);
  });
});

describe('the corrected official days, each with its source', () => {
  const calendar = vietnamCalendar();
  it('2019: Saturday 5 January was worked, for Monday 31 December 2018 (6519/VPCP-KGVX)', () => {
    expect(isWorkingDay('2019-01-05', calendar)).toBe(true);
    expect(official(2019).workedDays.find((d) => d.date === '2019-01-05')!.source).toMatch(/6519\/VPCP-KGVX/);
  });

  it('2026: Friday 2 January off and Saturday 10 January worked (12729/VPCP-KGVX ngày 25/12/2025)', () => {
    expect(isWorkingDay('2026-01-02', calendar)).toBe(false);
    expect(isWorkingDay('2026-01-10', calendar)).toBe(true);
    for (const date of ['2026-01-02', '2026-01-10']) {
      const day = [...official(2026).daysOff, ...official(2026).workedDays].find((d) => d.date === date)!;
      expect(day.source).toBe('Công văn 12729/VPCP-KGVX ngày 25/12/2025');
    }
  });

  it('2026: 2/9 is five days, 29/8–2/9, with Saturday 22 August worked for Monday 31 August (9441/TB-BNV)', () => {
    // 29–30 August are a weekend: the days that the announcement decides are 31/8 (swapped), 1/9 and 2/9
    for (const date of ['2026-08-31', '2026-09-01', '2026-09-02'])
      expect([date, isWorkingDay(date, calendar)]).toEqual([date, false]);
    expect(isWorkingDay('2026-08-22', calendar)).toBe(true);
    expect(isWorkingDay('2026-09-03', calendar)).toBe(true);
    const y = official(2026);
    for (const date of ['2026-08-31', '2026-08-22']) {
      const day = [...y.daysOff, ...y.workedDays].find((x) => x.date === date)!;
      expect(day.source).toBe('Thông báo 9441/TB-BNV ngày 16/10/2025');
    }
    // without the swap the computation would keep 31 August a working day
    expect(isWorkingDay('2026-08-31', calendarOf([], { statutory: true }))).toBe(true);
  });

  it('every official year names its source, and every day belongs to its year', () => {
    for (const y of VN_OFFICIAL_YEARS) {
      expect(y.source).toBeTruthy();
      expect(calendarYearProblems(y.year, { ...y, year: undefined })).toEqual([]);
    }
  });
});

describe('deadlines across an unannounced year', () => {
  const monthly: Schedule = { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' };
  it('never stops: 2027 is computed and marked provisional; Tết 2027 moves "ngày 08" of February', () => {
    const calendar = vietnamCalendar();
    const options = { calendar, policy: 'next-working-day' as const, stagger: [0, 2], tiers: 2 };
    expect(cycleAt(monthly, 0, options)).toMatchObject({ label: '2026-12', provisional: false });
    expect(cycleAt(monthly, 1, options)).toMatchObject({ label: '2027-01', provisional: true });
    expect(cycleAt(monthly, 2, options)).toMatchObject({
      label: '2027-02',
      provisional: true,
      lastDays: ['2027-02-11', '2027-02-11'], // 8 and 10 February are days off: both move to the 11th
      period: { from: '2027-01-09', to: '2027-02-08' },
    });
    // Under `keep`, nothing was looked up: nothing is provisional.
    expect(cycleAt(monthly, 2, { ...options, policy: 'keep' })).toMatchObject({
      lastDays: ['2027-02-08', '2027-02-10'],
      provisional: false,
    });
  });

  it('an official 2027 entered later replaces the computed days', () => {
    const entered: CalendarYear = {
      year: 2027,
      state: 'official',
      source: 'a test announcement',
      daysOff: [{ date: '2027-02-11', name: 'Tết' }],
      workedDays: [],
    };
    const calendar = calendarOf([...VN_OFFICIAL_YEARS, entered], { statutory: true });
    const feb = cycleAt(monthly, 2, { calendar, policy: 'next-working-day' })!;
    expect(feb).toMatchObject({ provisional: false, lastDays: ['2027-02-08'] });
    // the computed days are gone: 10 February (made up for Tết) is a working day again, 11 February is off
    const tenth = { kind: 'monthly', rule: 'on', day: 10, from: '2027-02' } as const;
    expect(cycleAt(tenth, 0, { calendar, policy: 'next-working-day' })!.lastDays).toEqual(['2027-02-10']);
    const eleventh = { kind: 'monthly', rule: 'on', day: 11, from: '2027-02' } as const;
    expect(cycleAt(eleventh, 0, { calendar, policy: 'next-working-day' })!.lastDays).toEqual(['2027-02-12']);
    expect(cycleAt(tenth, 0, { calendar: vietnamCalendar(), policy: 'next-working-day' })!.lastDays).toEqual([
      '2027-02-11',
    ]);
  });
});

describe('a year as an administrator enters it', () => {
  const good = {
    state: 'official',
    source: 'Thông báo 1/TB-BNV ngày 01/11/2026',
    daysOff: [{ date: '2027-01-01', name: 'Tết Dương lịch' }],
    workedDays: [{ date: '2027-01-09', name: 'Làm bù' }],
  };
  it('accepts a well-formed year', () => expect(calendarYearProblems('2027', good)).toEqual([]));
  it.each([
    [
      'a date of another year',
      { ...good, daysOff: [{ date: '2026-12-31', name: 'x' }] },
      'daysOff.0.date: 2026-12-31 is not in 2027',
    ],
    [
      'a duplicate date',
      { ...good, daysOff: [good.daysOff[0], good.daysOff[0]] },
      'daysOff.1.date: 2027-01-01 is listed twice',
    ],
    [
      'a day off that is no date',
      { ...good, daysOff: [{ date: '01/01/2027', name: 'x' }] },
      'daysOff.0.date: must be a date yyyy-mm-dd',
    ],
    [
      'an impossible date',
      { ...good, daysOff: [{ date: '2027-02-30', name: 'x' }] },
      'daysOff.0.date: must be a date yyyy-mm-dd',
    ],
    [
      'a swapped day that is a weekday',
      { ...good, workedDays: [{ date: '2027-01-08', name: 'x' }] },
      'workedDays.0.date: 2027-01-08 is a weekday',
    ],
    [
      'an official year with no source',
      { ...good, source: ' ' },
      'source: an official year names its announcement',
    ],
    ['an unknown field', { ...good, extra: 1 }, 'extra: not a field'],
    ['a NUL in a name', { ...good, daysOff: [{ date: '2027-01-01', name: 'a\u0000b' }] }, 'daysOff.0.name'],
    ['a control character in the source', { ...good, source: 'x\u0007' }, 'source: must be a text'],
  ])('refuses %s, naming the field', (_what, body, problem) => {
    expect(calendarYearProblems('2027', body).join('; ')).toContain(problem);
  });
  it('refuses a year that is not one', () => {
    expect(calendarYearProblems('27', good)).toEqual(['year: must be a year 1990-2200']);
    expect(calendarYearProblems('2027', { ...good, year: 2028 })).toContain(
      'year: must be 2027, the year of the address',
    );
  });
});
