import { DataSource } from 'typeorm';
import { createDirectiveActivities } from './directive.activities';
import { createProbeActivities } from './probe.activities';

export interface ActivityDeps {
  dataSource: DataSource;
  signingSecret: string;
  /** The X.509 signature of the official PDF (PAdES): the token modules a key may name, a time-stamp authority. */
  pades?: { pkcs11Modules?: string[]; tsaUrl?: string };
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps.dataSource),
    ...createDirectiveActivities(deps.dataSource, deps.signingSecret, deps.pades),
  };
}

export type Activities = ReturnType<typeof createActivities>;
