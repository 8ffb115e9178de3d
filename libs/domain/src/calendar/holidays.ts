import { hungKingsDay, isoFromJulianDay, julianDay, lunarNewYear } from './lunar';

/**
 * Public holidays as data, per year (Labour Code 2019, art. 112: 1 January; Lunar New Year, 5 days; Hùng Kings' day,
 * the 10th day of the 3rd lunar month; 30 April; 1 May; 2 September and an adjacent day). The government announces
 * each year's exact days off and swapped working days; until it has, the statutory days are computed
 * (`statutoryYear`) and marked provisional.
 */
export type CalendarState = 'provisional' | 'official';

export interface CalendarDay {
  /** yyyy-mm-dd */
  date: string;
  /** What the day is: "Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương", "Làm bù cho thứ Sáu 02/01/2026". */
  name: string;
  /** The announcement that fixed this day, when it is not the year's own source. */
  source?: string | null;
}

/** One year of the working calendar: its days off, the weekend days worked instead ("làm bù"), and where they come from. */
export interface CalendarYear {
  year: number;
  state: CalendarState;
  /** The announcement (number and date), or how the days were computed. */
  source: string | null;
  daysOff: CalendarDay[];
  workedDays: CalendarDay[];
}

export interface HolidayCalendar {
  /** ISO dates (yyyy-mm-dd) that are not working days, besides Saturdays and Sundays. */
  readonly holidays: ReadonlySet<string>;
  /** Weekend days that are worked instead of a day off moved next to a holiday ("làm bù"). */
  readonly workdays?: ReadonlySet<string>;
  /** The years the calendar holds. */
  readonly years: ReadonlySet<number>;
  /** Of those, the years that are not announced yet (computed or entered as provisional). */
  readonly provisionalYears?: ReadonlySet<number>;
  /**
   * Whether a year it does not hold is computed from the Labour Code (provisional) rather than refused. Deadlines
   * never stop for want of an announcement; without it, asking about such a year is an error.
   */
  readonly statutory?: boolean;
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
 * weekend days worked in exchange for a day off (`workdays`, same shape). Years it does not list are refused.
 */
export function loadHolidayCalendar(data: HolidayData, workdays: HolidayData = {}): HolidayCalendar {
  const years = new Set<number>();
  const holidays = datesOf(data, years);
  return { holidays, years, workdays: datesOf(workdays) };
}

/** A calendar from stored years; with `statutory`, the years it lacks are computed (provisional). */
export function calendarOf(
  years: readonly CalendarYear[],
  options: { statutory?: boolean } = {},
): HolidayCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const held = new Set<number>();
  const provisional = new Set<number>();
  for (const y of years) {
    held.add(y.year);
    if (y.state === 'provisional') provisional.add(y.year);
    for (const d of y.daysOff) holidays.add(d.date);
    for (const d of y.workedDays) workdays.add(d.date);
  }
  return {
    holidays,
    workdays,
    years: held,
    provisionalYears: provisional,
    statutory: options.statutory ?? false,
  };
}

/** The state of a year in a calendar, or null when it neither holds nor computes it. */
export function yearState(calendar: HolidayCalendar, year: number): CalendarState | null {
  if (calendar.years.has(year)) return calendar.provisionalYears?.has(year) ? 'provisional' : 'official';
  return calendar.statutory ? 'provisional' : null;
}

const statutoryCache = new Map<number, { year: CalendarYear; off: Set<string> }>();

/** The statutory days off of a year not held by the calendar (memoised: a pure function of the year). */
export function statutoryDaysOff(year: number): ReadonlySet<string> {
  let known = statutoryCache.get(year);
  if (!known) {
    const computed = statutoryYear(year);
    known = { year: computed, off: new Set(computed.daysOff.map((d) => d.date)) };
    if (statutoryCache.size > 500) statutoryCache.clear();
    statutoryCache.set(year, known);
  }
  return known.off;
}

/** The source recorded for a computed year. */
export const STATUTORY_SOURCE = 'Tính theo Bộ luật Lao động 2019, Điều 112 (chưa có thông báo chính thức)';

const iso = (y: number, m: number, d: number) => isoFromJulianDay(julianDay(d, m, y));
const jd = (date: string) =>
  julianDay(Number(date.slice(8, 10)), Number(date.slice(5, 7)), Number(date.slice(0, 4)));
const plusDays = (date: string, n: number) => isoFromJulianDay(jd(date) + n);
/** 0 Monday … 6 Sunday. */
const weekday = (date: string) => jd(date) % 7;
const isWeekend = (date: string) => weekday(date) >= 5;

const fmt = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/**
 * The statutory days off of a year, computed as the law sets them (Labour Code 2019, art. 112; before 2021, the
 * Labour Code 2012, art. 115, with one day for 2 September), with the lunar dates for Việt Nam (UTC+7):
 * - 1 January; Hùng Kings' day; 30 April; 1 May; 2 September and, from 2021, its adjacent weekday — the one next to a
 *   weekend when only one is (Monday 2 → Tuesday, Friday 2 → Thursday, Saturday 2 → Friday), else the day before;
 * - Tết: the last day of the lunar year and the first four of the new one, as every announcement since 2019 has
 *   them; its days on a weekend are made up on working days alternately before and after the holiday, as those
 *   announcements did;
 * - other holidays on a weekend are made up on the next working day (art. 111(3)).
 * Swaps of a working day for a Saturday ("hoán đổi") are the government's choice each year and are not guessed.
 */
export function statutoryYear(year: number): CalendarYear {
  const named = new Map<string, string>();
  const add = (date: string, name: string) => {
    if (!named.has(date)) named.set(date, name);
  };
  const tet = lunarNewYear(year);
  const tetDays = [-1, 0, 1, 2, 3].map((n) => plusDays(tet, n));
  const fixed: [string, string][] = [[iso(year, 1, 1), 'Tết Dương lịch']];
  fixed.push([hungKingsDay(year), 'Giỗ Tổ Hùng Vương (10/3 âm lịch)']);
  fixed.push([iso(year, 4, 30), 'Ngày Chiến thắng (30/4)']);
  fixed.push([iso(year, 5, 1), 'Ngày Quốc tế Lao động (1/5)']);
  const national = iso(year, 9, 2);
  fixed.push([national, 'Quốc khánh (2/9)']);
  if (year >= 2021) {
    const before = plusDays(national, -1);
    const after = plusDays(national, 1);
    const nearWeekend = (d: string) => isWeekend(plusDays(d, -1)) || isWeekend(plusDays(d, 1));
    let adjacent: string;
    if (isWeekend(before)) adjacent = after;
    else if (isWeekend(after)) adjacent = before;
    else adjacent = nearWeekend(after) && !nearWeekend(before) ? after : before;
    fixed.push([adjacent, 'Quốc khánh (ngày liền kề 2/9)']);
  }
  for (const d of tetDays) add(d, 'Tết Nguyên đán');
  for (const [d, name] of fixed) add(d, name);
  const off = (d: string) => named.has(d) || isWeekend(d);
  // Tết's weekend days, made up alternately before and after the holiday.
  let early = tetDays[0];
  let late = tetDays[4];
  tetDays.filter(isWeekend).forEach((d, i) => {
    if (i % 2 === 0) {
      do early = plusDays(early, -1);
      while (off(early));
      named.set(early, `Nghỉ bù Tết Nguyên đán (${fmt(d)})`);
    } else {
      do late = plusDays(late, 1);
      while (off(late));
      named.set(late, `Nghỉ bù Tết Nguyên đán (${fmt(d)})`);
    }
  });
  // The others, in date order, on the next working day.
  for (const [d, name] of [...fixed].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (!isWeekend(d)) continue;
    let next = d;
    do next = plusDays(next, 1);
    while (off(next));
    named.set(next, `Nghỉ bù ${name} (${fmt(d)})`);
  }
  const daysOff = [...named]
    .filter(([d]) => !isWeekend(d) && d.startsWith(`${year}-`))
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([date, name]) => ({ date, name }));
  return { year, state: 'provisional', source: STATUTORY_SOURCE, daysOff, workedDays: [] };
}

// Control characters (NUL among them) have no place in a name or a source, and PostgreSQL refuses NUL in text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const badText = (v: unknown, max: number) => typeof v !== 'string' || v.length > max || CONTROL.test(v);

/** Problems with a year of the calendar as an administrator enters it, as `field: message`; empty when valid. */
export function calendarYearProblems(year: unknown, input: unknown): string[] {
  const problems: string[] = [];
  const y =
    typeof year === 'string' && /^\d{4}$/.test(year) ? Number(year) : typeof year === 'number' ? year : NaN;
  if (!Number.isInteger(y) || y < 1990 || y > 2200) return ['year: must be a year 1990-2200'];
  if (!input || typeof input !== 'object' || Array.isArray(input)) return ['must be an object'];
  const body = input as Record<string, unknown>;
  if (body.state !== undefined && body.state !== 'official' && body.state !== 'provisional')
    problems.push("state: must be 'official' or 'provisional'");
  if (body.source !== undefined && body.source !== null && badText(body.source, 500))
    problems.push('source: must be a text of at most 500 characters, without control characters');
  if ((body.state ?? 'official') === 'official' && (typeof body.source !== 'string' || !body.source.trim()))
    problems.push('source: an official year names its announcement (number and date)');
  const seen = new Set<string>();
  for (const key of ['daysOff', 'workedDays'] as const) {
    const list = body[key];
    if (list === undefined && key === 'workedDays') continue;
    if (!Array.isArray(list)) {
      problems.push(`${key}: must be a list of { date, name, source? }`);
      continue;
    }
    if (list.length > 60) problems.push(`${key}: at most 60 days`);
    list.forEach((item, i) => {
      const field = `${key}.${i}`;
      if (!item || typeof item !== 'object')
        return void problems.push(`${field}: must be { date, name, source? }`);
      const { date, name, source } = item as Record<string, unknown>;
      const m = typeof date === 'string' ? ISO_DATE.exec(date) : null;
      if (!m || iso(Number(m[1]), Number(m[2]), Number(m[3])) !== date) {
        return void problems.push(`${field}.date: must be a date yyyy-mm-dd`);
      }
      if (Number(m[1]) !== y) problems.push(`${field}.date: ${date} is not in ${y}`);
      if (seen.has(date)) problems.push(`${field}.date: ${date} is listed twice`);
      seen.add(date);
      if (key === 'workedDays' && !isWeekend(date))
        problems.push(`${field}.date: ${date} is a weekday; a worked day swaps a Saturday or Sunday`);
      if (badText(name, 200) || !(name as string).trim())
        problems.push(`${field}.name: must be a text of 1-200 characters, without control characters`);
      if (source !== undefined && source !== null && badText(source, 500))
        problems.push(
          `${field}.source: must be a text of at most 500 characters, without control characters`,
        );
    });
  }
  for (const key of Object.keys(body)) {
    if (!['year', 'state', 'source', 'daysOff', 'workedDays'].includes(key))
      problems.push(`${key}: not a field`);
  }
  if (body.year !== undefined && body.year !== y)
    problems.push(`year: must be ${y}, the year of the address`);
  return problems;
}
