import { DataSource, EntityManager } from 'typeorm';

/**
 * The unit a resource belongs to, for deciding access to a route that names the resource rather than a unit
 * (`@Authorize({ ..., via: 'directive' })`). Reads only; each table has its own writer.
 */
type Db = DataSource | EntityManager;

/** The resources whose unit a route can be authorised by. */
export type UnitOfResource =
  /** A directive: the unit that issued it. */
  | 'directive'
  /** A membership: the unit it is held in. */
  | 'membership'
  /** An API key: the unit it acts for. */
  | 'apiKey';

const UNIT_OF: Record<UnitOfResource, string> = {
  directive: `SELECT issuer_id AS unit_id FROM directive WHERE id = $1`,
  membership: `SELECT unit_id FROM membership WHERE id = $1`,
  apiKey: `SELECT unit_id FROM api_key WHERE id = $1`,
};

/** The id of the unit the resource belongs to, or null when there is no such resource. */
export async function unitOfResource(db: Db, resource: UnitOfResource, id: string): Promise<string | null> {
  const rows: { unit_id: string }[] = await db.query(UNIT_OF[resource], [id]);
  return rows.length ? rows[0].unit_id : null;
}

/** Whether the resource exists (every one of them belongs to a unit). */
export async function resourceExists(db: Db, resource: UnitOfResource, id: string): Promise<boolean> {
  return (await unitOfResource(db, resource, id)) !== null;
}
