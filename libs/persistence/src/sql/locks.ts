/**
 * The advisory locks that SQL and TypeScript both take. Each is declared once here, as the SQL text of its key:
 * the database functions of `./` interpolate it into their definitions, the TypeScript code into its queries, so
 * the two cannot drift apart into two locks that do not exclude each other.
 */

/**
 * The lock of one hub's aggregation for one cycle of a directive, the two keys of `pg_advisory_xact_lock(int, int)`:
 * the hash of `directive/hub` and the cycle. The reports to an open hub take it shared, side by side
 * (`cascade_file_report`); closing or revising the hub's aggregate takes it alone (`lockHub`). Each argument is a
 * SQL expression: the directive's and the hub's ids as text, and the cycle.
 */
export const hubLockKey = (directiveText: string, hubText: string, cycle: string): string =>
  `hashtext(${directiveText} || '/' || ${hubText}), ${cycle}`;

/** Serialises the application of the definitions of `./index.ts` (`applySqlDefinitions`) by concurrent starters. */
export const SQL_DEFINITIONS_LOCK_KEY = `hashtext('cascade/sql-definitions')`;

/**
 * The calendar's lock: a calendar change (`storeCalendarYear`) takes it alone, the planning of cycles
 * (`lockCalendarShared`) shared, so that a cycle is planned either on the old calendar, then rescheduled, or on the new.
 */
export const CALENDAR_LOCK_KEY = `hashtext('cascade/calendar')`;
