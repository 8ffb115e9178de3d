import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { idsFromPath } from '@cascade/domain';
import { unitPathText } from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';

/** Loads grants (role + unit path) for users and API keys; unit paths come from the live hierarchy. */
@Injectable()
export class PrincipalService {
  constructor(private readonly dataSource: DataSource) {}

  assertDatabase(): void {
    if (!this.dataSource.isInitialized) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        CommonErrorCode.DATABASE_UNAVAILABLE,
        'the database is unreachable',
      );
    }
  }

  /** The unit's path of ids from the root, or null when it does not exist. */
  async unitPath(unitId: string): Promise<string[] | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(unitId)) return null;
    const path = await unitPathText(this.dataSource, unitId);
    return path === null ? null : idsFromPath(path);
  }
}
