import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/** A change of a directive, as the trail's trigger announces it: the directive and the event's action. */
export interface DirectiveNotice {
  directiveId: string;
  kind: string;
}

const CHANNEL = 'cascade_directive_event';

/**
 * Listens for the trail's notices on a connection of its own (LISTEN holds it), calling `onNotice` for each; the
 * connection is re-opened after a failure. Returns a stop.
 */
export function listenDirectiveEvents(
  db: DataSource,
  onNotice: (notice: DirectiveNotice) => void,
  onError: (error: Error) => void = () => undefined,
): () => Promise<void> {
  let client: Client | null = null;
  let stopped = false;
  const open = async (): Promise<void> => {
    const c = new Client({
      connectionString: (db.options as { url?: string }).url,
      application_name: 'cascade-live',
    });
    c.on('error', (error) => {
      onError(error);
      void c.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void open().catch(onError), 1_000);
    });
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      try {
        const parsed = JSON.parse(n.payload) as DirectiveNotice;
        if (typeof parsed.directiveId === 'string' && typeof parsed.kind === 'string') onNotice(parsed);
      } catch {
        // not one of ours
      }
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    if (stopped) await c.end();
    else client = c;
  };
  const started = open().catch((error: Error) => {
    onError(error);
    if (!stopped) setTimeout(() => void open().catch(onError), 1_000);
  });
  return async () => {
    stopped = true;
    await started;
    await client?.end().catch(() => undefined);
  };
}

/**
 * Who may see a directive, for a caller's units: its issuer (the caller's view of the issuer decides) and whether it
 * is routed to one of `unitIds` (a primary-key read per unit). Null when there is no such directive.
 */
export async function directiveAudience(
  db: Db,
  directiveId: string,
  unitIds: string[],
): Promise<{ issuerId: string; routedToMine: boolean } | null> {
  const rows: { issuerId: string; routedToMine: boolean }[] = await db.query(
    `SELECT d.issuer_id::text AS "issuerId",
            EXISTS (SELECT 1 FROM routing_node r WHERE r.directive_id = d.id AND r.unit_id = ANY($2::uuid[])) AS "routedToMine"
       FROM directive d WHERE d.id = $1`,
    [directiveId, unitIds],
  );
  return rows[0] ?? null;
}
