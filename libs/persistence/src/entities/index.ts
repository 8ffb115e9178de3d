import { ProbeEntity } from './probe.entity';

export { ProbeEntity };
export const ENTITIES = [ProbeEntity];
