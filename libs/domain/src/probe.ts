/**
 * The wiring probe: the smallest lifecycle that crosses every layer (API → workflow → activity → PostgreSQL →
 * query). It stays as the system's self-test once the directive lifecycle lands.
 */
export type ProbeStatus = 'started' | 'recorded' | 'finished';

const NEXT: Record<ProbeStatus, readonly ProbeStatus[]> = {
  started: ['recorded'],
  recorded: ['finished'],
  finished: [],
};

export function canTransition(from: ProbeStatus, to: ProbeStatus): boolean {
  return NEXT[from].includes(to);
}

/** Returns the new status, or throws when the move is not allowed (workflows rely on this to stay consistent). */
export function transition(from: ProbeStatus, to: ProbeStatus): ProbeStatus {
  if (!canTransition(from, to)) throw new Error(`probe cannot move from ${from} to ${to}`);
  return to;
}

export const PROBE_MESSAGE_MAX = 500;
