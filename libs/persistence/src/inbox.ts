import type { DataSource, EntityManager } from 'typeorm';
import type { InboxItem, InboxKind } from '@cascade/contracts';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';

type Db = DataSource | EntityManager;

export type { InboxItem, InboxKind } from '@cascade/contracts';

/** The caller's units: every unit it holds a role at, and those it leads (told of the upper rungs of the ladder). */
export interface InboxScope {
  userId: string;
  units: string[];
  ledUnits: string[];
}

/** Keyset of a page: the instant and the item key, in the list's order. */
export type InboxKey = [string, string];

/** How far ahead "due" looks. */
export const INBOX_DUE_DAYS = 7;

const DIRECTIVE = `d.symbol, d.content->>'subject' AS subject`;
const READ = (item: string) =>
  `EXISTS (SELECT 1 FROM inbox_read ir WHERE ir.user_id = $1 AND ir.item = ${item}) AS read`;

/**
 * Per unit of mine, an index walk in the list's order (LIMIT per unit, then merged): deliveries by `routing_node_inbox`,
 * rungs by `escalation_inbox`; what is due walks the unit's active routing nodes and each directive's planned cycles
 * by primary key — never a directive's tree.
 */
function inboxSql(kind: InboxKind): string {
  if (kind === 'arrived')
    return `SELECT x.* FROM unnest($2::uuid[]) mine(id) CROSS JOIN LATERAL (
        SELECT 'a:' || r.directive_id || ':' || r.unit_id AS item, 'arrived' AS kind, r.directive_id::text AS "directiveId",
               ${DIRECTIVE}, r.unit_id::text AS "unitId", u.name AS "unitName", r.delivered_at AS at,
               NULL::int AS cycle, NULL::text AS level, ${EXACT_TIME('r.delivered_at')} AS k_at
          FROM routing_node r JOIN directive d ON d.id = r.directive_id JOIN unit u ON u.id = r.unit_id
         WHERE r.unit_id = mine.id AND r.delivered_at IS NOT NULL AND $3::uuid[] IS NOT NULL
           AND ($4::timestamptz IS NULL OR (r.delivered_at, 'a:' || r.directive_id || ':' || r.unit_id) < ($4, $5::text))
         ORDER BY r.delivered_at DESC, r.directive_id DESC LIMIT $6) x
      ORDER BY x.at DESC, x.item DESC LIMIT $6`;
  if (kind === 'escalated')
    return `SELECT x.* FROM unnest($2::uuid[]) mine(id) CROSS JOIN LATERAL (
        SELECT 'e:' || e.directive_id || ':' || e.unit_id || ':' || e.cycle || ':' || e.level AS item, 'escalated' AS kind,
               e.directive_id::text AS "directiveId", ${DIRECTIVE}, e.unit_id::text AS "unitId", u.name AS "unitName",
               e.at, e.cycle, e.level, ${EXACT_TIME('e.at')} AS k_at
          FROM escalation e JOIN directive d ON d.id = e.directive_id JOIN unit u ON u.id = e.unit_id
         WHERE e.notify_unit_id = mine.id AND (e.level IN ('reminded','overdue') OR mine.id = ANY($3::uuid[]))
           AND ($4::timestamptz IS NULL OR (e.at, 'e:' || e.directive_id || ':' || e.unit_id || ':' || e.cycle || ':' || e.level)
                 < ($4, $5::text))
         ORDER BY e.at DESC LIMIT $6) x
      ORDER BY x.at DESC, x.item DESC LIMIT $6`;
  // Due: the soonest first; the cursor moves forward in time.
  return `SELECT x.* FROM unnest($2::uuid[]) mine(id) CROSS JOIN LATERAL (
      SELECT 'd:' || r.directive_id || ':' || r.unit_id || ':' || c.cycle AS item, 'due' AS kind,
             r.directive_id::text AS "directiveId", ${DIRECTIVE}, r.unit_id::text AS "unitId", u.name AS "unitName",
             due.at, c.cycle, NULL::text AS level, ${EXACT_TIME('due.at')} AS k_at
        FROM routing_node r JOIN directive d ON d.id = r.directive_id AND d.status = 'dispatched'
        JOIN unit u ON u.id = r.unit_id
        JOIN reporting_cycle c ON c.directive_id = r.directive_id AND c.opens_at <= now() + interval '${INBOX_DUE_DAYS} days'
        CROSS JOIN LATERAL (SELECT (c.deadlines -> LEAST(r.tier, jsonb_array_length(c.deadlines) - 1) ->> 'at')::timestamptz AS at) due
       WHERE r.unit_id = mine.id AND $3::uuid[] IS NOT NULL AND NOT r.is_hub AND r.status IN ('delivered','accepted') AND r.recall_status IS NULL
         AND due.at >= now() AND due.at < now() + interval '${INBOX_DUE_DAYS} days'
         AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = r.directive_id AND p.unit_id = r.unit_id AND p.cycle = c.cycle)
         AND ($4::timestamptz IS NULL OR (due.at, 'd:' || r.directive_id || ':' || r.unit_id || ':' || c.cycle) > ($4, $5::text))
       ORDER BY due.at LIMIT $6) x
    ORDER BY x.at, x.item LIMIT $6`;
}

/** A page of the caller's inbox of one kind, each item with whether the caller has read it. */
export async function inboxPage(
  db: Db,
  scope: InboxScope,
  kind: InboxKind,
  page: PageRequest<InboxKey>,
): Promise<KeysetPage<InboxItem, InboxKey>> {
  if (scope.units.length === 0) return { items: [], next: null };
  const rows: (InboxItem & { k_at: string })[] = await db.query(
    `SELECT p.*, ${READ('p.item')} FROM (${inboxSql(kind)}) p ORDER BY ${kind === 'due' ? 'p.at, p.item' : 'p.at DESC, p.item DESC'}`,
    [
      scope.userId,
      scope.units,
      scope.ledUnits,
      page.after?.[0] ?? null,
      page.after?.[1] ?? null,
      page.limit + 1,
    ],
  );
  return keysetPage(rows, page.limit, (r) => [r.k_at, r.item] as InboxKey);
}

/** The most unread items an inbox counts per kind (the header shows "99+" beyond). */
export const INBOX_COUNT_CAP = 100;

/** Unread items per kind among the latest of each (capped at `INBOX_COUNT_CAP`: the count is an index walk too). */
export async function inboxUnread(db: Db, scope: InboxScope): Promise<Record<InboxKind, number>> {
  const out: Record<InboxKind, number> = { arrived: 0, due: 0, escalated: 0 };
  if (scope.units.length === 0) return out;
  for (const kind of ['arrived', 'due', 'escalated'] as const) {
    const rows: { n: number }[] = await db.query(
      `SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM inbox_read ir WHERE ir.user_id = $1 AND ir.item = p.item))::int AS n
         FROM (${inboxSql(kind)}) p`,
      [scope.userId, scope.units, scope.ledUnits, null, null, INBOX_COUNT_CAP * 5],
    );
    out[kind] = Math.min(rows[0].n, INBOX_COUNT_CAP);
  }
  return out;
}

/** Marks items read for the user; marking one again changes nothing. */
export async function markInboxRead(db: Db, userId: string, items: string[]): Promise<void> {
  await db.query(
    `INSERT INTO inbox_read (user_id, item) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [userId, items],
  );
}
