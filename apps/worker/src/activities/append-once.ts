import { EntityManager } from 'typeorm';
import { appendEvent, type DirectiveEventInput } from '@cascade/persistence';

/**
 * The event of a step that already checked, under the directive's lock, that its dedupe key is unused. These events
 * were inserted without ON CONFLICT, so a key used meanwhile failed the insert (a unique violation) and rolled the
 * step back, to be retried and found done; `appendEvent` does not fail, so the same failure is raised here: a step is
 * never recorded without its event.
 */
export async function appendOnce(m: EntityManager, event: DirectiveEventInput & { dedupeKey: string }) {
  if (!(await appendEvent(m, event))) {
    throw new Error(`directive_event: the dedupe key ${event.dedupeKey} is already used`);
  }
}
