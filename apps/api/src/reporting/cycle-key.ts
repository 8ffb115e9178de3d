import { HttpStatus } from '@nestjs/common';
import type { ReportingRequirement } from '@cascade/contracts';
import { cycleKey, MAIN_SCHEDULE, scheduleNumber } from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { DirectiveErrorCode } from '../directives/directive-error-codes';

export const isMain = (schedule: string | undefined) => schedule === undefined || schedule === MAIN_SCHEDULE;

/** The cycle key of a schedule's cycle; a schedule the directive does not have is 404 CYCLE_NOT_FOUND. */
export function keyOf(reporting: unknown, schedule: string | undefined, index: number): number {
  if (isMain(schedule)) return index;
  const n = reporting ? scheduleNumber(reporting as ReportingRequirement, schedule) : null;
  if (n === null)
    throw new ApiError(
      HttpStatus.NOT_FOUND,
      DirectiveErrorCode.CYCLE_NOT_FOUND,
      `schedule: this directive has no schedule ${schedule}`,
    );
  return cycleKey(n, index);
}
