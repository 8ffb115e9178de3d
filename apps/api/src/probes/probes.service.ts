import { createHash } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import { probeWorkflowId, type ProbeInput, type ProbeState } from '@cascade/contracts';
import { finishProbeWorkflow, queryProbeState, startProbeWorkflow } from '@cascade/temporal';
import { DatabaseConnector, isProbeRecorded } from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { TemporalClient } from '../temporal/temporal.module';
import { FinishProbeDto, ProbeDto, StartProbeDto } from './dto/start-probe.dto';
import { ProbeErrorCode } from './probe-error-codes';

const PROBE_ID = /^prb_[0-9a-f]{24}$/;

@Injectable()
export class ProbesService {
  constructor(
    private readonly temporal: TemporalClient,
    private readonly dataSource: DataSource,
    private readonly database: DatabaseConnector,
  ) {}

  /** The probe id is derived from the idempotency key, so a retried start lands on the same workflow. */
  static probeIdFor(idempotencyKey: string): string {
    return 'prb_' + createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24);
  }

  /** Starts the probe, or answers with the probe the same key already started. */
  async start(idempotencyKey: string, dto: StartProbeDto): Promise<ProbeDto> {
    const probeId = ProbesService.probeIdFor(idempotencyKey);
    const input: ProbeInput = { probeId, message: dto.message };
    await this.temporal.call((client) => startProbeWorkflow(client, this.temporal.taskQueue, input));
    const probe = await this.get(probeId);
    if (probe.message !== dto.message) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
        'Idempotency-Key: already used for a probe with a different message',
      );
    }
    return probe;
  }

  async get(probeId: string): Promise<ProbeDto> {
    if (!PROBE_ID.test(probeId)) this.notFound(probeId);
    const state = await this.temporal
      .call((client) => queryProbeState(client, probeId))
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) this.notFound(probeId);
        throw error;
      });
    return this.toDto(state, await this.isPersisted(probeId));
  }

  async finish(probeId: string, idempotencyKey: string, dto: FinishProbeDto): Promise<ProbeDto> {
    const current = await this.get(probeId);
    if (current.status === 'finished') {
      // The run is closed, so Temporal no longer dedupes updates: a retry of the finishing request gets the same
      // answer, anything else is a conflict.
      if (current.note === dto.note) return current;
      throw new ApiError(
        HttpStatus.CONFLICT,
        ProbeErrorCode.PROBE_ALREADY_FINISHED,
        'probe: already finished',
      );
    }
    try {
      const state = await this.temporal.call((client) =>
        finishProbeWorkflow(client, probeId, dto.note, idempotencyKey),
      );
      return this.toDto(state, await this.isPersisted(probeId));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const type = error.cause.type;
        if (type === 'INVALID_NOTE') {
          throw new ApiError(
            HttpStatus.BAD_REQUEST,
            ProbeErrorCode.PROBE_INVALID_NOTE,
            `note: ${error.cause.message}`,
          );
        }
        if (type === 'ALREADY_FINISHED') {
          throw new ApiError(
            HttpStatus.CONFLICT,
            ProbeErrorCode.PROBE_ALREADY_FINISHED,
            `probe: ${error.cause.message}`,
          );
        }
        if (type === 'ALREADY_FINISHING') {
          throw new ApiError(
            HttpStatus.CONFLICT,
            ProbeErrorCode.PROBE_ALREADY_FINISHING,
            `probe: ${error.cause.message}`,
          );
        }
      }
      if (error instanceof WorkflowNotFoundError) this.notFound(probeId);
      throw error;
    }
  }

  private async isPersisted(probeId: string): Promise<boolean> {
    if (!this.database.isConnected) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        CommonErrorCode.DATABASE_UNAVAILABLE,
        'the database is unreachable',
      );
    }
    return isProbeRecorded(this.dataSource, probeId);
  }

  private toDto(state: ProbeState, persisted: boolean): ProbeDto {
    return {
      id: state.probeId,
      workflowId: probeWorkflowId(state.probeId),
      message: state.message,
      status: state.status,
      recordedAt: state.recordedAt,
      finishedAt: state.finishedAt,
      note: state.note,
      persisted,
    };
  }

  private notFound(probeId: string): never {
    throw new ApiError(HttpStatus.NOT_FOUND, ProbeErrorCode.PROBE_NOT_FOUND, `id: no probe ${probeId}`);
  }
}
