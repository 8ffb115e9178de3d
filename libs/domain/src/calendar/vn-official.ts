import {
  calendarOf,
  type CalendarDay,
  type CalendarYear,
  type HolidayCalendar,
  type HolidayData,
} from './holidays';

/*
 * Việt Nam's days off for civil servants as the government announced them, 2019–2026, each with its announcement.
 * The migration that creates the calendar tables seeds them (a correction here needs a migration of its own, or
 * `PUT /calendar/years/:year`, for databases seeded before it); later years are entered by administrators
 * (`PUT /calendar/years/:year`, `cascade calendar import`) or computed (`statutoryYear`) until they are.
 */

const d = (date: string, name: string, source?: string): CalendarDay =>
  source ? { date, name, source } : { date, name };

const TET = 'Tết Nguyên đán';
const HUNG = 'Giỗ Tổ Hùng Vương (10/3 âm lịch)';
const APR30 = 'Ngày Chiến thắng (30/4)';
const MAY1 = 'Ngày Quốc tế Lao động (1/5)';
const SEP2 = 'Quốc khánh (2/9)';
const SEP2_ADJ = 'Quốc khánh (ngày liền kề 2/9)';
const NEWYEAR = 'Tết Dương lịch';

/** Where each year's days come from (the README's calendar section lists them with the pages that quote them). */
export const VN_SOURCES = {
  2019: 'Công văn 6519/VPCP-KGVX ngày 11/7/2018 (nghỉ 31/12/2018 và 29/4/2019, làm bù thứ Bảy 05/01 và 04/5/2019)',
  2020: 'Văn phòng Chính phủ, lịch nghỉ Tết Nguyên đán 2020 (số hiệu văn bản chưa xác minh)',
  2021: 'Văn phòng Chính phủ, lịch nghỉ Tết Nguyên đán và Quốc khánh 2021 (số hiệu văn bản chưa xác minh)',
  2022: 'Công văn 245/VPCP-KGVX ngày 11/01/2022',
  2023: 'Công văn 8056/VPCP-KGVX ngày 01/12/2022',
  2024: 'Thông báo 5015/TB-LĐTBXH ngày 22/11/2023; Công văn 2450/VPCP-KGVX ngày 12/4/2024 (hoán đổi 29/4 và 04/5/2024)',
  2025: 'Công văn 8726/VPCP-KGVX ngày 26/11/2024; Thông báo 6150/TB-LĐTBXH năm 2024; hoán đổi 02/5 và 26/4/2025 (số hiệu văn bản chưa xác minh)',
  2026: 'Công văn 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch); Thông báo 9441/TB-BNV ngày 16/10/2025 (Tết Nguyên đán, Quốc khánh: nghỉ 29/8–2/9, làm bù thứ Bảy 22/8/2026)',
} as const;

// prettier-ignore
export const VN_OFFICIAL_YEARS: readonly CalendarYear[] = [
  {
    year: 2019, state: 'official', source: VN_SOURCES[2019],
    daysOff: [
      d('2019-01-01', NEWYEAR),
      d('2019-02-04', TET), d('2019-02-05', TET), d('2019-02-06', TET), d('2019-02-07', TET), d('2019-02-08', TET),
      d('2019-04-15', `Nghỉ bù ${HUNG} (14/04/2019)`),
      d('2019-04-29', 'Hoán đổi: làm bù thứ Bảy 04/05/2019', 'Công văn 6519/VPCP-KGVX ngày 11/7/2018'),
      d('2019-04-30', APR30), d('2019-05-01', MAY1),
      d('2019-09-02', SEP2),
    ],
    workedDays: [
      d('2019-01-05', 'Làm bù cho thứ Hai 31/12/2018', 'Công văn 6519/VPCP-KGVX ngày 11/7/2018'),
      d('2019-05-04', 'Làm bù cho thứ Hai 29/04/2019'),
    ],
  },
  {
    year: 2020, state: 'official', source: VN_SOURCES[2020],
    daysOff: [
      d('2020-01-01', NEWYEAR),
      d('2020-01-23', `Nghỉ bù ${TET}`), d('2020-01-24', TET), d('2020-01-27', TET), d('2020-01-28', TET),
      d('2020-01-29', `Nghỉ bù ${TET}`),
      d('2020-04-02', HUNG),
      d('2020-04-30', APR30), d('2020-05-01', MAY1),
      d('2020-09-02', SEP2),
    ],
    workedDays: [],
  },
  {
    year: 2021, state: 'official', source: VN_SOURCES[2021],
    daysOff: [
      d('2021-01-01', NEWYEAR),
      d('2021-02-10', `Nghỉ bù ${TET}`), d('2021-02-11', TET), d('2021-02-12', TET), d('2021-02-15', TET),
      d('2021-02-16', `Nghỉ bù ${TET}`),
      d('2021-04-21', HUNG),
      d('2021-04-30', APR30), d('2021-05-03', `Nghỉ bù ${MAY1} (01/05/2021)`),
      d('2021-09-02', SEP2), d('2021-09-03', SEP2_ADJ),
    ],
    workedDays: [],
  },
  {
    year: 2022, state: 'official', source: VN_SOURCES[2022],
    daysOff: [
      d('2022-01-03', `Nghỉ bù ${NEWYEAR} (01/01/2022)`),
      d('2022-01-31', TET), d('2022-02-01', TET), d('2022-02-02', TET), d('2022-02-03', TET), d('2022-02-04', TET),
      d('2022-04-11', `Nghỉ bù ${HUNG} (10/04/2022)`),
      d('2022-05-02', `Nghỉ bù ${APR30} (30/04/2022)`), d('2022-05-03', `Nghỉ bù ${MAY1} (01/05/2022)`),
      d('2022-09-01', SEP2_ADJ), d('2022-09-02', SEP2),
    ],
    workedDays: [],
  },
  {
    year: 2023, state: 'official', source: VN_SOURCES[2023],
    daysOff: [
      d('2023-01-02', `Nghỉ bù ${NEWYEAR} (01/01/2023)`),
      d('2023-01-20', `Nghỉ bù ${TET}`), d('2023-01-23', TET), d('2023-01-24', TET), d('2023-01-25', TET),
      d('2023-01-26', `Nghỉ bù ${TET}`),
      d('2023-05-01', MAY1),
      d('2023-05-02', `Nghỉ bù ${HUNG} (29/04/2023)`), d('2023-05-03', `Nghỉ bù ${APR30} (30/04/2023)`),
      d('2023-09-01', SEP2_ADJ), d('2023-09-04', `Nghỉ bù ${SEP2} (02/09/2023)`),
    ],
    workedDays: [],
  },
  {
    year: 2024, state: 'official', source: VN_SOURCES[2024],
    daysOff: [
      d('2024-01-01', NEWYEAR),
      d('2024-02-08', `Nghỉ bù ${TET}`), d('2024-02-09', TET), d('2024-02-12', TET), d('2024-02-13', TET),
      d('2024-02-14', `Nghỉ bù ${TET}`),
      d('2024-04-18', HUNG),
      d('2024-04-29', 'Hoán đổi: làm bù thứ Bảy 04/05/2024', 'Công văn 2450/VPCP-KGVX ngày 12/4/2024'),
      d('2024-04-30', APR30), d('2024-05-01', MAY1),
      d('2024-09-02', SEP2), d('2024-09-03', SEP2_ADJ),
    ],
    workedDays: [d('2024-05-04', 'Làm bù cho thứ Hai 29/04/2024')],
  },
  {
    year: 2025, state: 'official', source: VN_SOURCES[2025],
    daysOff: [
      d('2025-01-01', NEWYEAR),
      d('2025-01-27', `Nghỉ bù ${TET}`), d('2025-01-28', TET), d('2025-01-29', TET), d('2025-01-30', TET), d('2025-01-31', TET),
      d('2025-04-07', HUNG),
      d('2025-04-30', APR30), d('2025-05-01', MAY1),
      d('2025-05-02', 'Hoán đổi: làm bù thứ Bảy 26/04/2025'),
      d('2025-09-01', SEP2_ADJ), d('2025-09-02', SEP2),
    ],
    workedDays: [d('2025-04-26', 'Làm bù cho thứ Sáu 02/05/2025')],
  },
  {
    year: 2026, state: 'official', source: VN_SOURCES[2026],
    daysOff: [
      d('2026-01-01', NEWYEAR),
      d('2026-01-02', 'Hoán đổi: làm bù thứ Bảy 10/01/2026', 'Công văn 12729/VPCP-KGVX ngày 25/12/2025'),
      d('2026-02-16', TET), d('2026-02-17', TET), d('2026-02-18', TET), d('2026-02-19', TET), d('2026-02-20', TET),
      d('2026-04-27', `Nghỉ bù ${HUNG} (26/04/2026)`),
      d('2026-04-30', APR30), d('2026-05-01', MAY1),
      d('2026-08-31', 'Hoán đổi: làm bù thứ Bảy 22/08/2026', 'Thông báo 9441/TB-BNV ngày 16/10/2025'),
      d('2026-09-01', SEP2_ADJ), d('2026-09-02', SEP2),
    ],
    workedDays: [
      d('2026-01-10', 'Làm bù cho thứ Sáu 02/01/2026', 'Công văn 12729/VPCP-KGVX ngày 25/12/2025'),
      d('2026-08-22', 'Làm bù cho thứ Hai 31/08/2026', 'Thông báo 9441/TB-BNV ngày 16/10/2025'),
    ],
  },
];

const byYear = (pick: (y: CalendarYear) => CalendarDay[]): HolidayData =>
  Object.fromEntries(
    VN_OFFICIAL_YEARS.filter((y) => pick(y).length).map((y) => [String(y.year), pick(y).map((x) => x.date)]),
  );

/** The announced days off per year, as dates. */
export const VN_HOLIDAYS: HolidayData = byYear((y) => y.daysOff);
/** The weekend days worked in exchange for a day off, per year. */
export const VN_MAKEUP_WORKDAYS: HolidayData = byYear((y) => y.workedDays);

/**
 * Việt Nam's working calendar as announced up to 2026, later years computed from the Labour Code (provisional). The
 * API and the worker read the stored calendar instead (`loadCalendar` in the persistence lib); this is its seed.
 */
export const vietnamCalendar = (): HolidayCalendar => calendarOf(VN_OFFICIAL_YEARS, { statutory: true });
