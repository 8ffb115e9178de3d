/** Error codes of the working calendar and of schedule previews. */
export enum CalendarErrorCode {
  CALENDAR_YEAR_INVALID = 'CALENDAR_YEAR_INVALID',
  SCHEDULE_INVALID = 'SCHEDULE_INVALID',
}
