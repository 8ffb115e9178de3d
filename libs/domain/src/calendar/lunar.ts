/**
 * The Vietnamese lunisolar calendar, computed for UTC+7 (Hồ Ngọc Đức's published algorithm, "Thuật toán tính âm
 * lịch", after Jean Meeus' "Astronomical Algorithms": new moons and the sun's longitude). It differs from the Chinese
 * calendar (UTC+8) in some years: Tết fell on 21 January 1985 in Việt Nam and on 20 February in China, on 17 February
 * 2007 here and on 18 February there. Pure and deterministic.
 */

/** Việt Nam's time zone, in hours from UTC, that decides on which day a new moon falls. */
export const VN_LUNAR_TIME_ZONE = 7;

const DR = Math.PI / 180;
const SYNODIC_MONTH = 29.530588853;

/** The Julian day number of a day of the Gregorian calendar. */
export function julianDay(day: number, month: number, year: number): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  return (
    day +
    Math.floor((153 * m + 2) / 5) +
    365 * y +
    Math.floor(y / 4) -
    Math.floor(y / 100) +
    Math.floor(y / 400) -
    32045
  );
}

/** The Gregorian day of a Julian day number, as yyyy-mm-dd. */
export function isoFromJulianDay(jd: number): string {
  const a = jd + 32044;
  const b = Math.floor((4 * a + 3) / 146097);
  const c = a - Math.floor((146097 * b) / 4);
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  const day = e - Math.floor((153 * m + 2) / 5) + 1;
  const month = m + 3 - 12 * Math.floor(m / 10);
  const year = 100 * b + d - 4800 + Math.floor(m / 10);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The instant (Julian date, UT) of the k-th new moon after 1 January 1900. */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * DR);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
  let c = (0.1734 - 0.000393 * T) * Math.sin(M * DR) + 0.0021 * Math.sin(2 * DR * M);
  c = c - 0.4068 * Math.sin(Mpr * DR) + 0.0161 * Math.sin(DR * 2 * Mpr);
  c = c - 0.0004 * Math.sin(DR * 3 * Mpr);
  c = c + 0.0104 * Math.sin(DR * 2 * F) - 0.0051 * Math.sin(DR * (M + Mpr));
  c = c - 0.0074 * Math.sin(DR * (M - Mpr)) + 0.0004 * Math.sin(DR * (2 * F + M));
  c = c - 0.0004 * Math.sin(DR * (2 * F - M)) - 0.0006 * Math.sin(DR * (2 * F + Mpr));
  c = c + 0.001 * Math.sin(DR * (2 * F - Mpr)) + 0.0005 * Math.sin(DR * (2 * Mpr + M));
  const deltaT =
    T < -11
      ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
      : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd + c - deltaT;
}

/** The sun's ecliptic longitude (radians, 0..2π) at a Julian date. */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let dl = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(DR * M);
  dl += (0.019993 - 0.000101 * T) * Math.sin(DR * 2 * M) + 0.00029 * Math.sin(DR * 3 * M);
  const l = (L0 + dl) * DR;
  return l - Math.PI * 2 * Math.floor(l / (Math.PI * 2));
}

/** Which twelfth of the ecliptic (0..11, a major solar term) the sun is in at the start of a local day. */
const solarTerm = (dayNumber: number, tz: number): number =>
  Math.floor((sunLongitude(dayNumber - 0.5 - tz / 24) / Math.PI) * 6);

/** The local day (Julian day number) of the k-th new moon. */
const newMoonDay = (k: number, tz: number): number => Math.floor(newMoon(k) + 0.5 + tz / 24);

/** The first day of the 11th lunar month (the one holding the winter solstice) of a Gregorian year. */
function lunarMonth11(year: number, tz: number): number {
  const off = julianDay(31, 12, year) - 2415021;
  const k = Math.floor(off / SYNODIC_MONTH);
  const nm = newMoonDay(k, tz);
  return solarTerm(nm, tz) >= 9 ? newMoonDay(k - 1, tz) : nm;
}

/** In a leap lunar year that starts at a11, the offset from month 11 of the month with no major solar term. */
function leapMonthOffset(a11: number, tz: number): number {
  const k = Math.floor((a11 - 2415021.076998695) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = solarTerm(newMoonDay(k + i, tz), tz);
  let last: number;
  do {
    last = arc;
    i++;
    arc = solarTerm(newMoonDay(k + i, tz), tz);
  } while (arc !== last && i < 14);
  return i - 1;
}

/**
 * The Gregorian day (yyyy-mm-dd) of a lunar date: day 1–30 of month 1–12 of the lunar year that mostly overlaps the
 * Gregorian `year`; `leap` for the intercalary month. Null when the leap month asked for does not exist that year.
 */
export function lunarToSolar(
  day: number,
  month: number,
  year: number,
  leap = false,
  tz = VN_LUNAR_TIME_ZONE,
): string | null {
  const [a11, b11] =
    month < 11
      ? [lunarMonth11(year - 1, tz), lunarMonth11(year, tz)]
      : [lunarMonth11(year, tz), lunarMonth11(year + 1, tz)];
  const k = Math.floor(0.5 + (a11 - 2415021.076998695) / SYNODIC_MONTH);
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11, tz);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && month !== leapMonth) return null;
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    return null;
  }
  return isoFromJulianDay(newMoonDay(k + off, tz) + day - 1);
}

/** Tết Nguyên đán: the first day of the first lunar month, in Việt Nam. */
export const lunarNewYear = (year: number): string => lunarToSolar(1, 1, year)!;

/** Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month (never a leap month's). */
export const hungKingsDay = (year: number): string => lunarToSolar(10, 3, year)!;
