import { DataSource, EntityManager } from 'typeorm';

import { keysetPage, type KeysetPage, type PageRequest } from './keyset';

type Db = DataSource | EntityManager;

/**
 * The one writer of single rows of `directive_event`, the directive's audit trail (set-based statements that write
 * an event per unit, such as escalations, stay with the repository that owns the statement, and say so). Rows are
 * only ever inserted: the chain triggers hash them in order, and nothing updates or deletes them.
 */
/**
 * A connector that acted for a unit (an API key or a user with the connector role): events of what it did keep the
 * unit as `actor_unit_id`, name `connector` as `actor_role`, and carry it as `data.connector`.
 */
export interface EventConnector {
  kind: 'apiKey' | 'user';
  id: string;
  name: string | null;
}

/** Who acted, besides the user column: the actor's role at the unit and the connector, when one acted for it. */
export interface EventActor {
  role: string | null;
  connector: EventConnector | null;
}

/** An event's data with the connector that acted, if one did (the data as it was otherwise). */
export function withConnector<T extends object>(data: T, actor: EventActor | null | undefined): T {
  return actor?.connector ? { ...data, connector: actor.connector } : data;
}

export interface DirectiveEventInput {
  directiveId: string;
  action: string;
  actorUserId?: string | null;
  actorRole?: string | null;
  actorUnitId?: string | null;
  reason?: string | null;
  data?: unknown;
  /** Makes the append idempotent: a second event with the same key is not written (and `appendEvent` says so). */
  dedupeKey?: string | null;
}

/**
 * Appends one event. Appending locks the directive's chain head until the commit, so callers append last in their
 * transaction, after every other lock (locks taken in one order cannot deadlock). Answers whether a row was written
 * (false when `dedupeKey` was already used).
 */
export async function appendEvent(db: Db, e: DirectiveEventInput): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [
      e.directiveId,
      e.actorUserId ?? null,
      e.actorRole ?? null,
      e.actorUnitId ?? null,
      e.action,
      e.reason ?? null,
      e.data === undefined ? null : JSON.stringify(e.data),
      e.dedupeKey ?? null,
    ],
  );
  return rows.length > 0;
}

/**
 * A page of a directive's own events, in order, as `GET /directives/:id/events` lists them: after the event id
 * `after` (the key of the previous page), a range of the index `directive_event_directive`.
 */
export async function eventsOf(
  db: Db,
  directiveId: string,
  page: PageRequest<string>,
): Promise<KeysetPage<Record<string, unknown>, string>> {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT id::text, at, actor_user_id AS "actorUserId", actor_role AS "actorRole", actor_unit_id AS "actorUnitId", action, reason, data
       FROM directive_event e WHERE e.directive_id = $1 AND ($3::bigint IS NULL OR e.id > $3) ORDER BY e.id LIMIT $2`,
    [directiveId, page.limit + 1, page.after],
  );
  return keysetPage(rows, page.limit, (r) => r.id as string);
}
