import { DataSource, EntityManager } from 'typeorm';
import {
  foldVietnamese,
  pathFromIds,
  type ExistingUnit,
  type UnitKind,
  type UnitWrite,
} from '@cascade/domain';

/**
 * The hierarchy of units (`unit`), their recorded moves (`unit_move`) and their extra report targets
 * (`unit_report_target`): this file is their one writer. Migration Organisation1763790000000 creates them.
 */
type Db = DataSource | EntityManager;

/** A unit as the API shows it. */
export interface StoredUnit {
  id: string;
  code: string;
  symbol: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  /** 1 for a root. */
  level: number;
  active: boolean;
  version: number;
  /** The electronic identification code (mã định danh), null until it is given. */
  edxmlCode: string | null;
}

/** A unit with its materialised path (ltree text), for paging by path. */
export interface StoredUnitWithPath extends StoredUnit {
  path: string;
}

/** Where a unit stands in the hierarchy. */
export interface UnitPlacement {
  path: string;
  active: boolean;
}

/** What a caller may see of the hierarchy (the domain's `viewScope`). */
export interface UnitViewScope {
  all: boolean;
  subtrees: string[][];
  units: string[];
}

const UNIT_COLUMNS = `u.id, u.code, u.symbol, u.name, u.kind, u.parent_id AS "parentId", u.level, u.active, u.version,
  u.edxml_code AS "edxmlCode"`;
const WRITE_CHUNK = 5_000;

/** The folded text the accent-insensitive search reads. */
const nameFolded = (name: string, code: string) => foldVietnamese(`${name} ${code}`);

/** SQL restricting `u` to a scope, with parameters numbered from `offset`. */
function scopeClause(scope: UnitViewScope, offset: number): { clause: string; params: unknown[] } {
  if (scope.all) return { clause: 'true', params: [] };
  return {
    clause: `(u.path <@ $${offset}::ltree[] OR u.id = ANY($${offset + 1}::uuid[]))`,
    params: [scope.subtrees.map(pathFromIds), scope.units],
  };
}

export async function findUnit(db: Db, id: string): Promise<StoredUnit | null> {
  const rows: StoredUnit[] = await db.query(`SELECT ${UNIT_COLUMNS} FROM unit u WHERE u.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The unit's path (ltree text), or null when it does not exist. */
export async function unitPathText(db: Db, id: string): Promise<string | null> {
  const rows: { path: string }[] = await db.query(`SELECT path::text AS path FROM unit WHERE id = $1`, [id]);
  return rows[0]?.path ?? null;
}

/** The unit's path and whether it is active, or null when it does not exist. */
export async function unitPlacement(db: Db, id: string): Promise<UnitPlacement | null> {
  const rows: UnitPlacement[] = await db.query(`SELECT path::text AS path, active FROM unit WHERE id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}

/**
 * Inserts a unit; a taken code fails with PostgreSQL's unique violation on `unit_code_unique`, a taken electronic
 * identification code on `unit_edxml_code_unique`.
 */
export async function insertUnit(db: Db, unit: Omit<ExistingUnit, 'active'>): Promise<void> {
  await db.query(
    `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path, edxml_code)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8::ltree,$9)`,
    [
      unit.id,
      unit.code,
      unit.symbol,
      unit.name,
      nameFolded(unit.name, unit.code),
      unit.kind,
      unit.parentId,
      unit.path,
      unit.edxmlCode ?? null,
    ],
  );
}

/** Changes a unit's name, symbol, kind and electronic identification code (its code stays), bumping its version. */
export async function updateUnitDetails(
  db: Db,
  id: string,
  details: { code: string; name: string; symbol: string; kind: UnitKind; edxmlCode: string | null },
): Promise<void> {
  await db.query(
    `UPDATE unit SET name = $2, symbol = $3, kind = $4, name_folded = $5, edxml_code = $6, version = version + 1,
                     updated_at = now() WHERE id = $1`,
    [
      id,
      details.name,
      details.symbol,
      details.kind,
      nameFolded(details.name, details.code),
      details.edxmlCode,
    ],
  );
}

/** Deactivates or reactivates a unit (no change, and no new version, when it already is). */
export async function setUnitActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.query(
    `UPDATE unit SET active = $2, version = version + 1, updated_at = now() WHERE id = $1 AND active <> $2`,
    [id, active],
  );
}

/** Locks a unit for a move (in the caller's transaction): its path and parent. */
export async function lockUnitForMove(
  m: EntityManager,
  id: string,
): Promise<{ path: string; parentId: string | null }> {
  const rows: { path: string; parent_id: string | null }[] = await m.query(
    `SELECT path::text AS path, parent_id FROM unit WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return { path: rows[0].path, parentId: rows[0].parent_id };
}

/** Moves a unit and its whole subtree from `oldPath` to `newPath`, the unit under `parentId`, recording the move. */
export async function moveUnitSubtree(
  m: EntityManager,
  move: {
    id: string;
    oldPath: string;
    newPath: string;
    fromParentId: string | null;
    toParentId: string;
    movedBy: string | null;
    reason: string | null;
  },
): Promise<void> {
  await m.query(
    `UPDATE unit SET path = CASE WHEN path = $1::ltree THEN $2::ltree ELSE $2::ltree || subpath(path, nlevel($1::ltree)) END,
            parent_id = CASE WHEN id = $3 THEN $4::uuid ELSE parent_id END,
            version = version + 1, updated_at = now()
      WHERE path <@ $1::ltree`,
    [move.oldPath, move.newPath, move.id, move.toParentId],
  );
  await m.query(
    `INSERT INTO unit_move (unit_id, from_parent_id, to_parent_id, moved_by, reason) VALUES ($1,$2,$3,$4,$5)`,
    [move.id, move.fromParentId, move.toParentId, move.movedBy, move.reason],
  );
}

export interface UnitMove {
  id: string;
  fromParentId: string | null;
  toParentId: string | null;
  movedBy: string | null;
  movedAt: Date;
  reason: string | null;
}

/** A unit's recorded moves, oldest first. */
export async function unitMoves(db: Db, unitId: string): Promise<UnitMove[]> {
  return db.query(
    `SELECT id::text, from_parent_id AS "fromParentId", to_parent_id AS "toParentId", moved_by AS "movedBy", moved_at AS "movedAt", reason
       FROM unit_move m WHERE m.unit_id = $1 ORDER BY m.moved_at, m.id`,
    [unitId],
  );
}

/**
 * Units below `rootPath` down to `depth` levels that the scope shows, in path order after `cursor` (a path),
 * at most `limit` of them.
 */
export async function unitSubtreePage(
  db: Db,
  query: {
    rootPath: string;
    depth: number;
    cursor: string | null;
    includeInactive: boolean;
    limit: number;
    scope: UnitViewScope;
  },
): Promise<StoredUnitWithPath[]> {
  const scope = scopeClause(query.scope, 6);
  return db.query(
    `SELECT ${UNIT_COLUMNS}, u.path::text AS path FROM unit u
      WHERE u.path <@ $1::ltree AND u.path <> $1::ltree AND nlevel(u.path) <= nlevel($1::ltree) + $2
        AND ($3::ltree IS NULL OR u.path > $3::ltree) AND ($4 OR u.active) AND ${scope.clause}
      ORDER BY u.path LIMIT $5`,
    [query.rootPath, query.depth, query.cursor, query.includeInactive, query.limit, ...scope.params],
  );
}

/**
 * Units that the scope shows, in path order after `cursor` (a path), at most `limit`: those whose folded name and
 * code match every pattern of `foldedPatterns` (LIKE, null for any), below `underPath`, of a kind, of a code.
 */
export async function searchUnitsPage(
  db: Db,
  query: {
    foldedPatterns: string[] | null;
    underPath: string | null;
    kind: UnitKind | null;
    cursor: string | null;
    includeInactive: boolean;
    limit: number;
    code: string | null;
    scope: UnitViewScope;
  },
): Promise<StoredUnitWithPath[]> {
  const scope = scopeClause(query.scope, 8);
  return db.query(
    `SELECT ${UNIT_COLUMNS}, u.path::text AS path FROM unit u
      WHERE ($1::text[] IS NULL OR u.name_folded LIKE ALL ($1::text[])) AND ($2::ltree IS NULL OR u.path <@ $2::ltree)
        AND ($3::text IS NULL OR u.kind = $3) AND ($4::ltree IS NULL OR u.path > $4::ltree) AND ($5 OR u.active)
        AND ($7::text IS NULL OR u.code = $7) AND ${scope.clause}
      ORDER BY u.path LIMIT $6`,
    [
      query.foldedPatterns,
      query.underPath,
      query.kind,
      query.cursor,
      query.includeInactive,
      query.limit,
      query.code,
      ...scope.params,
    ],
  );
}

export interface UnitReportTarget {
  targetId: string;
  targetCode: string;
  targetName: string;
  viaId: string | null;
  viaCode: string | null;
  viaName: string | null;
  note: string | null;
}

/** The unit's extra report targets (beyond its parent), by code. */
export async function unitReportTargets(db: Db, unitId: string): Promise<UnitReportTarget[]> {
  return db.query(
    `SELECT t.id AS "targetId", t.code AS "targetCode", t.name AS "targetName", v.id AS "viaId", v.code AS "viaCode",
            v.name AS "viaName", r.note
       FROM unit_report_target r JOIN unit t ON t.id = r.target_id LEFT JOIN unit v ON v.id = r.via_id
      WHERE r.unit_id = $1 ORDER BY t.code`,
    [unitId],
  );
}

/** The units with these codes (those that exist), with their paths (ltree text) for the caller's scope check. */
export async function unitsByCode(
  db: Db,
  codes: string[],
): Promise<{ id: string; code: string; parentId: string | null; active: boolean; path: string }[]> {
  if (!codes.length) return [];
  const rows: { id: string; code: string; parent_id: string | null; active: boolean; path: string }[] =
    await db.query(`SELECT id, code, parent_id, active, path::text AS path FROM unit WHERE code = ANY($1)`, [
      codes,
    ]);
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    parentId: row.parent_id,
    active: row.active,
    path: row.path,
  }));
}

/** Replaces the unit's extra report targets; run it in a transaction. */
export async function replaceUnitReportTargets(
  m: EntityManager,
  unitId: string,
  links: { targetId: string; viaId: string | null; note: string | null }[],
): Promise<void> {
  await m.query(`DELETE FROM unit_report_target WHERE unit_id = $1`, [unitId]);
  for (const link of links) {
    await m.query(`INSERT INTO unit_report_target (unit_id, target_id, via_id, note) VALUES ($1,$2,$3,$4)`, [
      unitId,
      link.targetId,
      link.viaId,
      link.note,
    ]);
  }
}

/** The advisory lock that serialises imports against the other changes of the hierarchy. */
const HIERARCHY_LOCK = `hashtext('cascade.unit-import')`;

/**
 * Takes the hierarchy lock shared (in the caller's transaction, until it ends), for a change that places one unit
 * (a create, a move): any number of those run together, but never while an import plans and writes, so that the
 * paths an import checked its placements against are still the paths when it commits.
 */
export async function lockHierarchyForChange(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock_shared(${HIERARCHY_LOCK})`);
}

/**
 * Takes the lock of unit imports (in the caller's transaction, until it ends) and reads the whole hierarchy: one
 * import at a time, so that the plan is made against the hierarchy as it stands.
 */
export async function lockHierarchyForImport(m: EntityManager): Promise<ExistingUnit[]> {
  await m.query(`SELECT pg_advisory_xact_lock(${HIERARCHY_LOCK})`);
  return m.query(
    `SELECT id, code, symbol, name, kind, parent_id AS "parentId", path::text AS path, active,
            edxml_code AS "edxmlCode" FROM unit`,
  );
}

/** Upserts an import's units by id, recording the moves it makes, in batched statements. */
export async function writeImportedUnits(
  m: EntityManager,
  writes: UnitWrite[],
  movedBy: string | null,
): Promise<void> {
  // Parents before children, so that every parent_id exists when its row is written.
  const ordered = [...writes].sort((a, b) => a.path.split('.').length - b.path.split('.').length);
  for (let i = 0; i < ordered.length; i += WRITE_CHUNK) {
    const chunk = ordered.slice(i, i + WRITE_CHUNK);
    // One statement per chunk: nine array parameters whatever the number of rows.
    await m.query(
      `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path, active, edxml_code)
       SELECT id, code, symbol, name, name_folded, kind, parent_id, path::ltree, active, edxml_code
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::boolean[], $10::text[])
           AS t(id, code, symbol, name, name_folded, kind, parent_id, path, active, edxml_code)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, symbol = EXCLUDED.symbol, name = EXCLUDED.name,
         name_folded = EXCLUDED.name_folded, kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id, path = EXCLUDED.path,
         active = EXCLUDED.active, edxml_code = EXCLUDED.edxml_code, version = unit.version + 1, updated_at = now()`,
      [
        chunk.map((w) => w.id),
        chunk.map((w) => w.code),
        chunk.map((w) => w.symbol),
        chunk.map((w) => w.name),
        chunk.map((w) => nameFolded(w.name, w.code)),
        chunk.map((w) => w.kind),
        chunk.map((w) => w.parentId),
        chunk.map((w) => w.path),
        chunk.map((w) => w.active),
        chunk.map((w) => w.edxmlCode),
      ],
    );
  }
  const moved = writes.filter((w) => w.movedFrom !== undefined);
  for (let i = 0; i < moved.length; i += WRITE_CHUNK) {
    const chunk = moved.slice(i, i + WRITE_CHUNK);
    await m.query(
      `INSERT INTO unit_move (unit_id, from_parent_id, to_parent_id, moved_by, reason)
       SELECT unit_id, from_parent_id, to_parent_id, $4, 'import' FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(unit_id, from_parent_id, to_parent_id)`,
      [chunk.map((w) => w.id), chunk.map((w) => w.movedFrom ?? null), chunk.map((w) => w.parentId), movedBy],
    );
  }
}

export interface ExportedUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  symbol: string;
  active: boolean;
  edxmlCode: string | null;
}

/** The units below `underPath` (all when null) that the scope shows, in path order, as the export lists them. */
export async function unitsForExport(
  db: Db,
  underPath: string | null,
  scope: UnitViewScope,
): Promise<ExportedUnit[]> {
  const restriction = scopeClause(scope, 2);
  return db.query(
    `SELECT u.code, u.name, u.kind, p.code AS "parentCode", u.symbol, u.active, u.edxml_code AS "edxmlCode"
         FROM unit u LEFT JOIN unit p ON p.id = u.parent_id
        WHERE ($1::ltree IS NULL OR u.path <@ $1::ltree) AND ${restriction.clause}
        ORDER BY u.path`,
    [underPath, ...restriction.params],
  );
}
