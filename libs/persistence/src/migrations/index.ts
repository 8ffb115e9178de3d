import { Init1763780000000 } from './1763780000000-init';

/** Every migration, in order. Listed explicitly so that ts (tests) and compiled js (production) load the same set. */
export const MIGRATIONS = [Init1763780000000];
