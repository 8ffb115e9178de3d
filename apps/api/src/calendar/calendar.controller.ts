import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, UseGuards } from '@nestjs/common';
import { SystemAdminOnly } from '../auth/system-admin.guard';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { CalendarService } from './calendar.service';
import { ConfirmCalendarYearDto, PutCalendarYearDto, SchedulePreviewDto } from './dto/calendar.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('calendar/years')
  @ApiOperation({
    summary: 'Every stored year of the working calendar, and the years up to next year computed',
  })
  list() {
    return this.calendar.list();
  }

  @Get('calendar/years/:year')
  @ApiOperation({
    summary:
      "A year's days off and worked weekend days, with their sources and state (computed when not stored)",
  })
  @ApiResponse({ status: 400, description: 'CALENDAR_YEAR_INVALID' })
  show(@Param('year') year: string) {
    return this.calendar.show(year);
  }

  @Put('calendar/years/:year')
  @UseGuards(SystemAdminOnly)
  @ApiOperation({
    summary:
      'Store a year (system administrators): replaces its days; cycles not yet opened are rescheduled, with an event',
  })
  @ApiResponse({ status: 400, description: 'CALENDAR_YEAR_INVALID (the message names the field)' })
  @ApiResponse({ status: 403, description: 'SYSTEM_ADMIN_ONLY' })
  put(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('year') year: string,
    @Body() dto: PutCalendarYearDto,
  ) {
    return this.calendar.put(principal, year, dto);
  }

  @Post('calendar/years/:year/confirm')
  @UseGuards(SystemAdminOnly)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Confirm a year's computed days as official, naming the announcement (system administrators)",
  })
  @ApiResponse({ status: 400, description: 'CALENDAR_YEAR_INVALID' })
  @ApiResponse({ status: 403, description: 'SYSTEM_ADMIN_ONLY' })
  confirm(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('year') year: string,
    @Body() dto: ConfirmCalendarYearDto,
  ) {
    return this.calendar.confirm(principal, year, dto);
  }

  @Post('schedules/preview')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "A schedule's first cycles and each tier's deadline, as the worker would plan them (nothing is stored)",
  })
  @ApiResponse({ status: 400, description: 'SCHEDULE_INVALID' })
  preview(@Body() dto: SchedulePreviewDto) {
    return this.calendar.preview(dto);
  }
}
