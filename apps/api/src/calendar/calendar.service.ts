import {
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import {
  calendarYearProblems,
  cycleView,
  plannedCycle,
  resolveSchedule,
  scheduleProblems,
  staggerProblems,
  statutoryYear,
  VN_ZONE,
  type CalendarYear,
  type CycleView,
} from '@cascade/domain';
import {
  calendarYear,
  calendarYearsThrough,
  loadCalendar,
  storeCalendarYear,
  storedCalendarYears,
  type StoredCalendarYear,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import type { SchedulePreviewAnswer } from '@cascade/contracts';
import { actingUser, type RequestPrincipal } from '../auth/principal';
import { CalendarErrorCode } from './calendar-error-codes';
import type { ConfirmCalendarYearDto, PutCalendarYearDto, SchedulePreviewDto } from './dto/calendar.dto';

/** How far ahead a year with only provisional days off is reported as a warning. */
export const CALENDAR_WARNING_DAYS = 90;
const DAY_MS = 86_400_000;

const invalid = (code: CalendarErrorCode, problems: string[]) =>
  new ApiError(
    HttpStatus.BAD_REQUEST,
    code,
    problems.join('; '),
    problems.map((p) => ({ field: p.split(':')[0], problems: [p.slice(p.indexOf(':') + 2)] })),
  );

/**
 * The working calendar: the years as stored or computed, an administrator's corrections (which reschedule the cycles
 * not yet opened), schedule previews with the worker's own computation, and the warning for a year ahead that has
 * only provisional days off.
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Calendar');
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap() {
    // The warning goes to the log at start and once a day; nothing waits on it.
    const log = () => {
      this.warnings()
        .then((w) => w.forEach((message) => this.logger.warn(message)))
        .catch(() => undefined);
    };
    log();
    this.timer = setInterval(log, DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** The stored years, and each year up to next year that is not stored, computed (provisional). */
  list(): Promise<StoredCalendarYear[]> {
    return calendarYearsThrough(this.dataSource, DateTime.now().setZone(VN_ZONE).year + 1);
  }

  async show(year: string): Promise<StoredCalendarYear> {
    const problems = calendarYearProblems(year, { state: 'provisional', daysOff: [] });
    if (problems.length) throw invalid(CalendarErrorCode.CALENDAR_YEAR_INVALID, problems);
    return calendarYear(this.dataSource, Number(year));
  }

  /** Stores a year as given (the official announcement replaces the provisional days) and reschedules. */
  async put(principal: RequestPrincipal, year: string, dto: PutCalendarYearDto) {
    const problems = calendarYearProblems(year, dto);
    if (problems.length) throw invalid(CalendarErrorCode.CALENDAR_YEAR_INVALID, problems);
    const entered: CalendarYear = {
      year: Number(year),
      state: dto.state ?? 'official',
      source: dto.source?.trim() || null,
      daysOff: dto.daysOff.map((d) => ({
        date: d.date,
        name: d.name.trim(),
        source: d.source?.trim() || null,
      })),
      workedDays: (dto.workedDays ?? []).map((d) => ({
        date: d.date,
        name: d.name.trim(),
        source: d.source?.trim() || null,
      })),
    };
    return this.store(principal, entered);
  }

  /** The computed (or stored provisional) days of a year, confirmed as official by the announcement named. */
  async confirm(principal: RequestPrincipal, year: string, dto: ConfirmCalendarYearDto) {
    const current = await this.show(year);
    const problems = calendarYearProblems(year, {
      state: 'official',
      source: dto.source,
      daysOff: current.daysOff,
      workedDays: current.workedDays,
    });
    if (problems.length) throw invalid(CalendarErrorCode.CALENDAR_YEAR_INVALID, problems);
    return this.store(principal, { ...current, state: 'official', source: dto.source.trim() });
  }

  private store(principal: RequestPrincipal, entered: CalendarYear) {
    return storeCalendarYear(this.dataSource, entered, actingUser(principal));
  }

  /** The first cycles of a schedule as the worker would plan them today, from the stored calendar. */
  async preview(dto: SchedulePreviewDto): Promise<SchedulePreviewAnswer> {
    const schedule = dto.schedule;
    const problems = [
      ...scheduleProblems(schedule).map((p) => `schedule.${p}`),
      ...staggerProblems(dto.stagger, schedule?.kind),
    ];
    if (problems.length) throw invalid(CalendarErrorCode.SCHEDULE_INVALID, problems);
    const { calendar } = await loadCalendar(this.dataSource);
    const reporting = {
      schedule: resolveSchedule(schedule, new Date().toISOString()),
      policy: dto.policy,
      stagger: dto.stagger,
    };
    const cycles: CycleView[] = [];
    for (let i = 0; i < (dto.cycles ?? 12); i++) {
      const cycle = plannedCycle(reporting, null, i, calendar);
      if (!cycle) break;
      cycles.push(cycleView(cycle));
    }
    return { cycles };
  }

  /** A year within the next 90 days that has only provisional days off. */
  async warnings(): Promise<string[]> {
    const stored = new Map((await storedCalendarYears(this.dataSource)).map((y) => [y.year, y]));
    const today = DateTime.now().setZone(VN_ZONE);
    const last = today.plus({ days: CALENDAR_WARNING_DAYS });
    const messages: string[] = [];
    for (let year = today.year; year <= last.year; year++) {
      if (stored.get(year)?.state === 'official') continue;
      const computed = stored.get(year) ?? statutoryYear(year);
      messages.push(
        `calendar: ${year} has only provisional days off (${computed.source ?? 'provisional'}); deadlines in it may ` +
          `move when the government announces them: PUT /calendar/years/${year} or cascade calendar import`,
      );
    }
    return messages;
  }
}
