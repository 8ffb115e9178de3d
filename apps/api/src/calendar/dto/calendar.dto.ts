import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import type { CalendarState } from '@cascade/domain';
import { ReportingDto } from '../../directives/dto/directive.dto';

/** One day of the calendar: checked field by field by the domain (`calendarYearProblems`), which names the field. */
export class CalendarDayDto {
  @ApiProperty({ example: '2027-02-08' })
  date!: string;

  @ApiProperty({ example: 'Tết Nguyên đán' })
  name!: string;

  @ApiPropertyOptional({ example: 'Thông báo 9441/TB-BNV ngày 16/10/2025', nullable: true })
  source?: string | null;
}

export class PutCalendarYearDto {
  @ApiPropertyOptional({ enum: ['official', 'provisional'], default: 'official' })
  @IsOptional()
  @IsIn(['official', 'provisional'])
  state?: CalendarState;

  @ApiPropertyOptional({
    description: "the announcement's number and date (required for an official year)",
    example: 'Công văn 12729/VPCP-KGVX ngày 25/12/2025',
  })
  @IsOptional()
  @IsString()
  source?: string | null;

  @ApiProperty({ type: [CalendarDayDto], description: 'weekdays off (holidays, days made up, swapped days)' })
  @IsArray()
  daysOff!: CalendarDayDto[];

  @ApiPropertyOptional({
    type: [CalendarDayDto],
    description: 'Saturdays or Sundays worked instead ("làm bù")',
  })
  @IsOptional()
  @IsArray()
  workedDays?: CalendarDayDto[];

  @ApiPropertyOptional({ description: 'the year again; must match the address' })
  @IsOptional()
  @IsInt()
  year?: number;
}

export class ConfirmCalendarYearDto {
  @ApiProperty({
    description: 'the announcement that confirms the computed days, with its number and date',
    example: 'Thông báo 1234/TB-BNV ngày 15/11/2026',
  })
  @IsString()
  source!: string;
}

/** The reporting requirement's schedule, policy and stagger (validated as a directive's are), and how many cycles. */
export class SchedulePreviewDto extends PickType(ReportingDto, ['schedule', 'policy', 'stagger'] as const) {
  @ApiPropertyOptional({ description: 'how many cycles, from the first (1-60)', default: 12 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  cycles?: number;
}
