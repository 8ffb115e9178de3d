import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PROBE_MESSAGE_MAX } from '@cascade/domain';
import { normalize } from '../../common/transforms';

export class StartProbeDto {
  @ApiProperty({ example: 'Kiểm tra kết nối', maxLength: PROBE_MESSAGE_MAX })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROBE_MESSAGE_MAX)
  message!: string;
}

export class FinishProbeDto {
  @ApiProperty({ example: 'Đã nhận', maxLength: PROBE_MESSAGE_MAX })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROBE_MESSAGE_MAX)
  note!: string;
}

export class ProbeDto {
  @ApiProperty() id!: string;
  @ApiProperty() workflowId!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ['started', 'recorded', 'finished'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) recordedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ description: 'whether the row written by the activity is in PostgreSQL' })
  persisted!: boolean;
}
