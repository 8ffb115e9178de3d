/**
 * Public holidays as data, loaded per year (Labour Code 2019, art. 112: 1 January; Lunar New Year; Hùng Kings' day,
 * the 10th day of the 3rd lunar month; 30 April; 1 May; 2 September and an adjacent day). Two fall on lunar dates
 * and the government fixes the exact days off each year, so a calendar is a list of dates per year, never a rule.
 */
export interface HolidayCalendar {
  /** ISO dates (yyyy-mm-dd) that are not working days, besides Saturdays and Sundays. */
  readonly holidays: ReadonlySet<string>;
  /** Weekend days that are worked instead of a day off moved next to a holiday ("làm bù"). */
  readonly workdays?: ReadonlySet<string>;
  /** The years the calendar covers; computing a deadline in another year is an error, not a guess. */
  readonly years: ReadonlySet<number>;
}

export type HolidayData = Readonly<Record<string, readonly string[]>>;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function datesOf(data: HolidayData, years?: Set<number>): Set<string> {
  const dates = new Set<string>();
  for (const [year, list] of Object.entries(data)) {
    if (!/^\d{4}$/.test(year)) throw new Error(`holiday calendar: "${year}" is not a year`);
    years?.add(Number(year));
    for (const date of list) {
      const m = ISO_DATE.exec(date);
      if (!m || m[1] !== year)
        throw new Error(`holiday calendar ${year}: "${date}" is not a date of that year`);
      dates.add(date);
    }
  }
  return dates;
}

/**
 * Builds a calendar from `{ "2020": ["2020-01-01", …], … }`, checking every date belongs to its year, with the
 * weekend days worked in exchange for a day off (`workdays`, same shape).
 */
export function loadHolidayCalendar(data: HolidayData, workdays: HolidayData = {}): HolidayCalendar {
  const years = new Set<number>();
  const holidays = datesOf(data, years);
  return { holidays, years, workdays: datesOf(workdays) };
}

/**
 * Việt Nam's days off as announced (Tết and Hùng Kings' day move every year; compensatory days included where a
 * holiday fell on a weekend). Extend it each year when the government announces the schedule.
 */
// prettier-ignore
export const VN_HOLIDAYS: HolidayData = {
  '2019': [
    '2019-01-01',
    '2019-02-04', '2019-02-05', '2019-02-06', '2019-02-07', '2019-02-08',
    '2019-04-15',
    '2019-04-29', '2019-04-30', '2019-05-01',
    '2019-09-02',
  ],
  '2020': [
    '2020-01-01',
    '2020-01-23', '2020-01-24', '2020-01-27', '2020-01-28', '2020-01-29',
    '2020-04-02',
    '2020-04-30', '2020-05-01',
    '2020-09-02',
  ],
  '2021': [
    '2021-01-01',
    '2021-02-10', '2021-02-11', '2021-02-12', '2021-02-15', '2021-02-16',
    '2021-04-21',
    '2021-04-30', '2021-05-03',
    '2021-09-02', '2021-09-03',
  ],
  '2022': [
    '2022-01-03',
    '2022-01-31', '2022-02-01', '2022-02-02', '2022-02-03', '2022-02-04',
    '2022-04-11',
    '2022-05-02', '2022-05-03',
    '2022-09-01', '2022-09-02',
  ],
  '2023': [
    '2023-01-02',
    '2023-01-20', '2023-01-23', '2023-01-24', '2023-01-25', '2023-01-26',
    '2023-05-01', '2023-05-02', '2023-05-03',
    '2023-09-01', '2023-09-04',
  ],
  '2024': [
    '2024-01-01',
    '2024-02-08', '2024-02-09', '2024-02-12', '2024-02-13', '2024-02-14',
    '2024-04-18',
    '2024-04-29', '2024-04-30', '2024-05-01',
    '2024-09-02', '2024-09-03',
  ],
  '2025': [
    '2025-01-01',
    '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31',
    '2025-04-07',
    '2025-04-30', '2025-05-01', '2025-05-02',
    '2025-09-01', '2025-09-02',
  ],
  '2026': [
    '2026-01-01',
    '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20',
    '2026-04-27',
    '2026-04-30', '2026-05-01',
    '2026-09-01', '2026-09-02',
  ],
};

/**
 * Saturdays worked in exchange for a weekday off next to a holiday, as the government announced them: 4 May 2019 (for
 * Monday 29 April), 4 May 2024 (for Monday 29 April), 26 April 2025 (for Friday 2 May).
 */
// prettier-ignore
export const VN_MAKEUP_WORKDAYS: HolidayData = {
  '2019': ['2019-05-04'],
  '2024': ['2024-05-04'],
  '2025': ['2025-04-26'],
};

/** Việt Nam's working calendar: the days off and the Saturdays worked. */
export const vietnamCalendar = (): HolidayCalendar => loadHolidayCalendar(VN_HOLIDAYS, VN_MAKEUP_WORKDAYS);
