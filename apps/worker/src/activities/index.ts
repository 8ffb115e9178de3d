import { DataSource } from 'typeorm';
import { createDirectiveActivities } from './directive.activities';
import { createProbeActivities } from './probe.activities';

export interface ActivityDeps {
  dataSource: DataSource;
  signingSecret: string;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps.dataSource),
    ...createDirectiveActivities(deps.dataSource, deps.signingSecret),
  };
}

export type Activities = ReturnType<typeof createActivities>;
