import { UNIT_CODE_PATTERN, UNIT_KINDS, pathLabel, type UnitKind } from './organisation';
import { normalizeText } from './text';
import { normalizeEdxmlCode } from './edxml-code';

/** A row of a CSV or JSON import, as read (strings, not yet validated). */
export interface ImportRow {
  line: number;
  code?: unknown;
  name?: unknown;
  kind?: unknown;
  parentCode?: unknown;
  symbol?: unknown;
  active?: unknown;
  /** The electronic identification code (mã định danh, `000.00.00.H53`); absent or empty keeps the unit's. */
  edxmlCode?: unknown;
}

/** A unit as it stands before the import. */
export interface ExistingUnit {
  id: string;
  code: string;
  symbol: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  path: string;
  active: boolean;
  edxmlCode?: string | null;
}

/** A unit as it must stand after the import (only those that change). */
export interface UnitWrite {
  id: string;
  code: string;
  symbol: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  path: string;
  active: boolean;
  edxmlCode: string | null;
  isNew: boolean;
  /** Set when the import moved it to another parent (recorded as a move). */
  movedFrom?: string | null;
}

export interface ImportResult {
  created: { line: number; code: string; id: string }[];
  updated: { line: number; code: string; id: string }[];
  unchanged: { line: number; code: string; id: string }[];
  rejected: { line: number; code: string | null; field: string; reason: string }[];
  writes: UnitWrite[];
}

export interface ImportContext {
  existing: readonly ExistingUnit[];
  newId: () => string;
  /**
   * May the importer place a unit under this parent (null: a new root)? Asked with the parent where the database has
   * it now, and again with its final path once the accepted set holds. Also asked with an existing row's own unit
   * (may it be changed at all?).
   */
  mayPlaceUnder: (parent: { id: string; path: string } | null) => boolean;
  /** May the importer see this existing unit? One it may not is answered as one that does not exist. */
  maySee: (unit: { id: string; path: string }) => boolean;
}

interface Valid {
  line: number;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  symbol: string | null;
  active: boolean | null;
  edxmlCode: string | null;
}

type Rejection = ImportResult['rejected'][number];

const str = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = normalizeText(String(v));
  return s === '' ? null : s;
};

function validate(row: ImportRow): Valid | Rejection {
  const code = str(row.code);
  const reject = (field: string, reason: string): Rejection => ({ line: row.line, code, field, reason });
  if (!code) return reject('code', 'is required');
  if (!UNIT_CODE_PATTERN.test(code))
    return reject('code', 'must be 1-64 letters, digits or . _ - /, no spaces');
  const name = str(row.name);
  if (!name) return reject('name', 'is required');
  if (name.length > 300) return reject('name', 'must be at most 300 characters');
  const kind = str(row.kind);
  if (!kind || !(UNIT_KINDS as readonly string[]).includes(kind)) {
    return reject('kind', `must be one of ${UNIT_KINDS.join(', ')}`);
  }
  const parentCode = str(row.parentCode);
  if (parentCode === code) return reject('parentCode', 'a unit cannot be its own parent');
  const symbol = str(row.symbol);
  if (symbol && symbol.length > 64) return reject('symbol', 'must be at most 64 characters');
  let active: boolean | null = null;
  if (row.active !== undefined && row.active !== null && row.active !== '') {
    const a =
      typeof row.active === 'boolean'
        ? row.active
        : typeof row.active === 'string' || typeof row.active === 'number'
          ? String(row.active).trim().toLowerCase()
          : null;
    if (a === true || a === 'true' || a === '1' || a === 'yes') active = true;
    else if (a === false || a === 'false' || a === '0' || a === 'no') active = false;
    else return reject('active', 'must be true or false');
  }
  const rawEdxml = str(row.edxmlCode);
  const edxmlCode = rawEdxml ? normalizeEdxmlCode(rawEdxml) : null;
  if (rawEdxml && !edxmlCode)
    return reject(
      'edxmlCode',
      'must be an electronic identification code such as 000.00.00.H53 (Decision 20/2020/QĐ-TTg)',
    );
  return { line: row.line, code, name, kind: kind as UnitKind, parentCode, symbol, active, edxmlCode };
}

/**
 * Plans an upsert-by-code import against the existing hierarchy. A bad row rejects only itself (and the rows that
 * need it as a parent); duplicates, unknown parents and cycles are rejected with the reason. The result lists the
 * units to write, with their final materialised paths (moved subtrees included).
 *
 * Scope is never taken on the file's word: a parent that exists is checked where the database has it, since the
 * row that would have moved it may be refused (issue 17: "X under B1" with "B1 under A" must not move X into B1's
 * tree when the B1 row is refused), and every check is repeated until the accepted set no longer changes.
 */
export function planUnitImport(rows: readonly ImportRow[], ctx: ImportContext): ImportResult {
  const rejected: Rejection[] = [];
  const byCode = new Map<string, Valid>();
  const lineOf = new Map<string, number>(); // every code the file names, valid or not
  for (const row of rows) {
    const code = str(row.code);
    if (code && !lineOf.has(code)) lineOf.set(code, row.line);
    const valid = validate(row);
    if ('reason' in valid) {
      rejected.push(valid);
      continue;
    }
    const first = byCode.get(valid.code);
    if (first) {
      rejected.push({
        line: valid.line,
        code: valid.code,
        field: 'code',
        reason: `duplicate of line ${first.line}`,
      });
      continue;
    }
    byCode.set(valid.code, valid);
  }

  const existingByCode = new Map(ctx.existing.map((u) => [u.code, u]));
  const existingById = new Map(ctx.existing.map((u) => [u.id, u]));
  // What the importer may not see answers as what does not exist: such a unit is no parent ("unknown parent"), and
  // its code is merely taken, as POST /units would say. Only visible units are ever named in a reason below.
  const visibleByCode = new Map<string, ExistingUnit>();
  for (const unit of ctx.existing) if (ctx.maySee(unit)) visibleByCode.set(unit.code, unit);

  const accepted = new Map(byCode);
  const reject = (v: Valid, field: string, reason: string) => {
    accepted.delete(v.code);
    rejected.push({ line: v.line, code: v.code, field, reason });
  };
  for (const v of [...accepted.values()]) {
    if (existingByCode.has(v.code) && !visibleByCode.has(v.code))
      reject(v, 'code', `${v.code} is already used by another unit`);
  }
  // An electronic identification code names one unit: not another row's, not another unit's.
  const edxmlOwner = new Map<string, string>();
  for (const u of ctx.existing) if (u.edxmlCode) edxmlOwner.set(u.edxmlCode, u.code);
  const edxmlLine = new Map<string, number>();
  for (const v of [...accepted.values()]) {
    if (!v.edxmlCode) continue;
    const owner = edxmlOwner.get(v.edxmlCode);
    const line = edxmlLine.get(v.edxmlCode);
    if (line !== undefined) reject(v, 'edxmlCode', `${v.edxmlCode}: duplicate of line ${line}`);
    else if (owner !== undefined && owner !== v.code)
      reject(v, 'edxmlCode', `${v.edxmlCode} is already used by another unit`);
    else edxmlLine.set(v.edxmlCode, v.line);
  }

  // Ids: existing units keep theirs.
  const idOf = new Map<string, string>();
  for (const unit of ctx.existing) idOf.set(unit.code, unit.id);
  for (const v of accepted.values()) if (!idOf.has(v.code)) idOf.set(v.code, ctx.newId());

  // Where a parent stands for the scope check: an existing unit where the database has it now, never where the file
  // means to move it (that move may itself be refused, and the file would then have vouched for a place it does not
  // hold); a new unit below its own parent in the file. Null for a new row that hangs from a loop or a rejected row
  // (the cycle and orphan checks reject those).
  const placementCache = new Map<string, string | null>();
  const placementPath = (code: string): string | null => {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let base: string | null;
    for (let cursor: string | null = code; ;) {
      if (cursor === null) {
        base = '';
        break;
      }
      const cached = placementCache.get(cursor);
      if (cached !== undefined) {
        base = cached;
        break;
      }
      const unit = existingByCode.get(cursor);
      if (unit) {
        base = unit.path;
        break;
      }
      const row = accepted.get(cursor);
      if (!row || onChain.has(cursor)) {
        base = null;
        break;
      }
      chain.push(cursor);
      onChain.add(cursor);
      cursor = row.parentCode;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const label = pathLabel(idOf.get(chain[i])!);
      base = base === null ? null : base ? `${base}.${label}` : label;
      placementCache.set(chain[i], base);
    }
    return base;
  };

  // Final parents and paths of the accepted set (memoised walk from the roots); only called on a set without loops.
  const finalPlacement = () => {
    const finalParent = new Map<string, string | null>();
    for (const unit of ctx.existing) finalParent.set(unit.id, unit.parentId);
    for (const v of accepted.values())
      finalParent.set(idOf.get(v.code)!, v.parentCode ? idOf.get(v.parentCode)! : null);
    const pathCache = new Map<string, string>();
    const pathOf = (id: string): string => {
      const cached = pathCache.get(id);
      if (cached) return cached;
      const chain: string[] = [];
      let cursor: string | null = id;
      while (cursor !== null && !pathCache.has(cursor)) {
        chain.push(cursor);
        cursor = finalParent.get(cursor) ?? null;
      }
      let path = cursor !== null ? pathCache.get(cursor)! : '';
      for (let i = chain.length - 1; i >= 0; i--) {
        path = path ? `${path}.${pathLabel(chain[i])}` : pathLabel(chain[i]);
        pathCache.set(chain[i], path);
      }
      return path;
    };
    return { finalParent, pathOf };
  };

  /** The row's scope rejection, placing it under `parentPath` (null: no check possible yet), or null when allowed. */
  const scopeRefusal = (v: Valid, parentPath: string | null): [string, string] | null => {
    const parentId = v.parentCode ? idOf.get(v.parentCode)! : null;
    const existing = existingByCode.get(v.code);
    const movedOrNew = !existing || existing.parentId !== parentId;
    if (movedOrNew) {
      if (!parentId)
        return ctx.mayPlaceUnder(null) ? null : ['parentCode', 'not permitted to create a root unit'];
      if (parentPath !== null && !ctx.mayPlaceUnder({ id: parentId, path: parentPath }))
        return ['parentCode', `not permitted to place a unit under ${v.parentCode}`];
    }
    if (existing && !ctx.mayPlaceUnder({ id: existing.id, path: existing.path }))
      return ['code', `not permitted to change ${v.code}`];
    return null;
  };

  // Iterate until stable: rejecting a row can orphan the rows below it, and a row is only ever checked against the
  // set that is finally written.
  let changed = true;
  while (changed) {
    changed = false;
    for (const v of [...accepted.values()]) {
      if (v.parentCode && !accepted.has(v.parentCode) && !visibleByCode.has(v.parentCode)) {
        const line = lineOf.get(v.parentCode);
        reject(
          v,
          'parentCode',
          line ? `parent ${v.parentCode} (line ${line}) was rejected` : `unknown parent ${v.parentCode}`,
        );
        changed = true;
      }
    }
    // Scope, against where the units stand in the database (before the cycle check, so that every row left to
    // walk is one the importer administers, and a loop's reason names only units it may see).
    for (const v of [...accepted.values()]) {
      const refusal = scopeRefusal(v, v.parentCode ? placementPath(v.parentCode) : '');
      if (refusal) {
        reject(v, ...refusal);
        changed = true;
      }
    }
    // The final parent of every code: the file's word for rows in it, the database's for the others.
    const parentOf = (code: string): string | null => {
      const row = accepted.get(code);
      if (row) return row.parentCode;
      const unit = existingByCode.get(code);
      if (!unit?.parentId) return null;
      return existingById.get(unit.parentId)?.code ?? null;
    };
    for (const v of [...accepted.values()]) {
      const seen: string[] = [v.code];
      let cursor = parentOf(v.code);
      while (cursor !== null) {
        if (cursor === v.code) {
          // Every row on the loop is rejected for the loop itself, not as the orphan of another.
          const loop = `cycle: ${[...seen, v.code].join(' → ')}`;
          for (const member of seen) {
            const row = accepted.get(member);
            if (row) reject(row, 'parentCode', loop);
          }
          changed = true;
          break;
        }
        if (seen.length > 10_000) break;
        seen.push(cursor);
        cursor = parentOf(cursor);
      }
    }
    if (changed) continue;
    // The set holds (no orphan, no loop): every placement once more against the final paths, so that no row is
    // written under a place the importer does not administer however the file moves things around.
    const { pathOf } = finalPlacement();
    for (const v of [...accepted.values()]) {
      const parentId = v.parentCode ? idOf.get(v.parentCode)! : null;
      const refusal = scopeRefusal(v, parentId ? pathOf(parentId) : '');
      if (refusal) {
        reject(v, ...refusal);
        changed = true;
      }
    }
  }
  const { finalParent, pathOf } = finalPlacement();

  const result: ImportResult = { created: [], updated: [], unchanged: [], rejected, writes: [] };
  const writtenIds = new Set<string>();
  for (const v of accepted.values()) {
    const id = idOf.get(v.code)!;
    const parentId = finalParent.get(id) ?? null;
    const existing = existingByCode.get(v.code);
    const write: UnitWrite = {
      id,
      code: v.code,
      symbol: v.symbol ?? existing?.symbol ?? v.code,
      name: v.name,
      kind: v.kind,
      parentId,
      path: pathOf(id),
      active: v.active ?? existing?.active ?? true,
      edxmlCode: v.edxmlCode ?? existing?.edxmlCode ?? null,
      isNew: !existing,
    };
    if (!existing) {
      result.created.push({ line: v.line, code: v.code, id });
    } else {
      if (existing.parentId !== parentId) write.movedFrom = existing.parentId;
      const same =
        existing.name === write.name &&
        existing.kind === write.kind &&
        existing.symbol === write.symbol &&
        existing.active === write.active &&
        (existing.edxmlCode ?? null) === write.edxmlCode &&
        existing.parentId === parentId &&
        existing.path === write.path;
      if (same) {
        result.unchanged.push({ line: v.line, code: v.code, id });
        continue;
      }
      result.updated.push({ line: v.line, code: v.code, id });
    }
    result.writes.push(write);
    writtenIds.add(id);
  }
  // Descendants of moved units that the file did not mention still need their new paths.
  for (const u of ctx.existing) {
    if (writtenIds.has(u.id)) continue;
    const path = pathOf(u.id);
    if (path !== u.path) result.writes.push({ ...u, edxmlCode: u.edxmlCode ?? null, path, isNew: false });
  }
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
