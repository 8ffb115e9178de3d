import { DataSource } from 'typeorm';
import { createProbeActivities } from './probe.activities';

export interface ActivityDeps {
  dataSource: DataSource;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps.dataSource),
  };
}

export type Activities = ReturnType<typeof createActivities>;
