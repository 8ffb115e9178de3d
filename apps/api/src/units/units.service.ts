import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { DataSource, EntityManager } from 'typeorm';
import {
  can,
  decide,
  foldVietnamese,
  idsFromPath,
  inertCell,
  pathFromIds,
  pathLabel,
  planUnitImport,
  viewScope,
  type ExistingUnit,
  type ImportResult,
  type ImportRow,
  type UnitKind,
  type UnitWrite,
} from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth.exceptions';
import type { RequestPrincipal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';
import {
  CreateUnitDto,
  MoveUnitDto,
  SearchUnitsQueryDto,
  SetReportTargetsDto,
  TreeQueryDto,
  UnitDto,
  UnitPageDto,
  UpdateUnitDto,
} from './dto/unit.dto';
import { UnitErrorCode } from './units.exceptions';

const UNIT_COLUMNS = `u.id, u.code, u.symbol, u.name, u.kind, u.parent_id AS "parentId", u.level, u.active, u.version`;
export const IMPORT_MAX_ROWS = 200_000;
const WRITE_CHUNK = 5_000;

interface Scope {
  clause: string;
  params: unknown[];
}

@Injectable()
export class UnitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly principals: PrincipalService,
  ) {}

  /** SQL restricting `u` to what the principal may see, with parameters numbered from `offset`. */
  private scopeClause(principal: RequestPrincipal, offset: number): Scope {
    const scope = viewScope(principal);
    if (scope.all) return { clause: 'true', params: [] };
    return {
      clause: `(u.path <@ $${offset}::ltree[] OR u.id = ANY($${offset + 1}::uuid[]))`,
      params: [scope.subtrees.map(pathFromIds), scope.units],
    };
  }

  async get(id: string): Promise<UnitDto> {
    const rows: UnitDto[] = await this.dataSource.query(
      `SELECT ${UNIT_COLUMNS} FROM unit u WHERE u.id = $1`,
      [id],
    );
    if (!rows.length)
      throw new ApiError(HttpStatus.NOT_FOUND, UnitErrorCode.UNIT_NOT_FOUND, `unit ${id}: not found`);
    return rows[0];
  }

  async create(dto: CreateUnitDto): Promise<UnitDto> {
    const id = randomUUID();
    let path = pathLabel(id);
    if (dto.parentId) {
      const parent: { path: string; active: boolean }[] = await this.dataSource.query(
        `SELECT path::text AS path, active FROM unit WHERE id = $1`,
        [dto.parentId],
      );
      if (!parent[0].active) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          UnitErrorCode.UNIT_PARENT_INACTIVE,
          `parentId: unit ${dto.parentId} is deactivated`,
        );
      }
      path = `${parent[0].path}.${path}`;
    }
    try {
      await this.dataSource.query(
        `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::ltree)`,
        [
          id,
          dto.code,
          dto.symbol ?? dto.code,
          dto.name,
          foldVietnamese(`${dto.name} ${dto.code}`),
          dto.kind,
          dto.parentId ?? null,
          path,
        ],
      );
    } catch (error) {
      throw this.mapUniqueViolation(error, dto.code);
    }
    return this.get(id);
  }

  async update(id: string, dto: UpdateUnitDto): Promise<UnitDto> {
    const current = await this.get(id);
    const name = dto.name ?? current.name;
    const changed =
      (dto.name !== undefined && dto.name !== current.name) ||
      (dto.symbol !== undefined && dto.symbol !== current.symbol) ||
      (dto.kind !== undefined && dto.kind !== current.kind);
    if (changed) {
      await this.dataSource.query(
        `UPDATE unit SET name = $2, symbol = $3, kind = $4, name_folded = $5, version = version + 1, updated_at = now() WHERE id = $1`,
        [
          id,
          name,
          dto.symbol ?? current.symbol,
          dto.kind ?? current.kind,
          foldVietnamese(`${name} ${current.code}`),
        ],
      );
    }
    return this.get(id);
  }

  async setActive(id: string, active: boolean): Promise<UnitDto> {
    await this.dataSource.query(
      `UPDATE unit SET active = $2, version = version + 1, updated_at = now() WHERE id = $1 AND active <> $2`,
      [id, active],
    );
    return this.get(id);
  }

  /**
   * Moves a unit and its subtree under a new parent, recording the move. Routing already done keeps the parents it
   * had (routing nodes store their own), so only the hierarchy changes here.
   */
  async move(principal: RequestPrincipal, id: string, dto: MoveUnitDto): Promise<UnitDto> {
    const parentPath = await this.principals.unitPath(dto.parentId);
    const decision = parentPath ? decide(principal, 'manage', parentPath) : 'hidden';
    if (decision === 'hidden')
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        UnitErrorCode.UNIT_NOT_FOUND,
        `parentId: unit ${dto.parentId} not found`,
      );
    if (decision === 'forbidden')
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        AuthErrorCode.FORBIDDEN,
        `parentId: your roles do not permit "manage" there`,
      );
    return this.dataSource.transaction(async (m) => {
      const rows: { path: string; parent_id: string | null }[] = await m.query(
        `SELECT path::text AS path, parent_id FROM unit WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const { path: oldPath, parent_id: oldParent } = rows[0];
      const target: { path: string; active: boolean }[] = await m.query(
        `SELECT path::text AS path, active FROM unit WHERE id = $1`,
        [dto.parentId],
      );
      if (target[0].path === oldPath || target[0].path.startsWith(`${oldPath}.`)) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          UnitErrorCode.UNIT_MOVE_CYCLE,
          `parentId: ${dto.parentId} is the unit itself or below it`,
        );
      }
      if (!target[0].active)
        throw new ApiError(
          HttpStatus.CONFLICT,
          UnitErrorCode.UNIT_PARENT_INACTIVE,
          `parentId: unit ${dto.parentId} is deactivated`,
        );
      if (oldParent !== dto.parentId) {
        const newPath = `${target[0].path}.${pathLabel(id)}`;
        await m.query(
          `UPDATE unit SET path = CASE WHEN path = $1::ltree THEN $2::ltree ELSE $2::ltree || subpath(path, nlevel($1::ltree)) END,
                  parent_id = CASE WHEN id = $3 THEN $4::uuid ELSE parent_id END,
                  version = version + 1, updated_at = now()
            WHERE path <@ $1::ltree`,
          [oldPath, newPath, id, dto.parentId],
        );
        await m.query(
          `INSERT INTO unit_move (unit_id, from_parent_id, to_parent_id, moved_by, reason) VALUES ($1,$2,$3,$4,$5)`,
          [id, oldParent, dto.parentId, principal.kind === 'user' ? principal.id : null, dto.reason ?? null],
        );
      }
      const moved: UnitDto[] = await m.query(`SELECT ${UNIT_COLUMNS} FROM unit u WHERE u.id = $1`, [id]);
      return moved[0];
    });
  }

  async moves(id: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id::text, from_parent_id AS "fromParentId", to_parent_id AS "toParentId", moved_by AS "movedBy", moved_at AS "movedAt", reason
         FROM unit_move m WHERE m.unit_id = $1 ORDER BY m.moved_at, m.id`,
      [id],
    );
  }

  /** The subtree below a unit down to `depth` levels, in depth-first order, paginated by path. */
  async tree(principal: RequestPrincipal, id: string, query: TreeQueryDto): Promise<UnitPageDto> {
    const rootRows: { path: string }[] = await this.dataSource.query(
      `SELECT path::text AS path FROM unit WHERE id = $1`,
      [id],
    );
    const root = rootRows[0].path;
    const scope = this.scopeClause(principal, 6);
    const rows: (UnitDto & { path: string })[] = await this.dataSource.query(
      `SELECT ${UNIT_COLUMNS}, u.path::text AS path FROM unit u
        WHERE u.path <@ $1::ltree AND u.path <> $1::ltree AND nlevel(u.path) <= nlevel($1::ltree) + $2
          AND ($3::ltree IS NULL OR u.path > $3::ltree) AND ($4 OR u.active) AND ${scope.clause}
        ORDER BY u.path LIMIT $5`,
      [root, query.depth, query.cursor ?? null, query.includeInactive, query.limit + 1, ...scope.params],
    );
    return this.page(rows, query.limit);
  }

  /** Units the principal may see, by accent-insensitive name or code, optionally below one unit. */
  async search(principal: RequestPrincipal, query: SearchUnitsQueryDto): Promise<UnitPageDto> {
    let under: string | null = null;
    if (query.under) {
      const path = await this.principals.unitPath(query.under);
      if (!path || decide(principal, 'view', path) === 'hidden') {
        throw new ApiError(
          HttpStatus.NOT_FOUND,
          UnitErrorCode.UNIT_NOT_FOUND,
          `under: unit ${query.under} not found`,
        );
      }
      under = pathFromIds(path);
    }
    // Every word must appear (in any order), accents and case ignored: "son la lien doan" finds "Liên đoàn … Sơn La".
    const words = query.q ? foldVietnamese(query.q).split(' ').filter(Boolean) : [];
    const folded = words.length ? words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : null;
    const scope = this.scopeClause(principal, 8);
    const rows: (UnitDto & { path: string })[] = await this.dataSource.query(
      `SELECT ${UNIT_COLUMNS}, u.path::text AS path FROM unit u
        WHERE ($1::text[] IS NULL OR u.name_folded LIKE ALL ($1::text[])) AND ($2::ltree IS NULL OR u.path <@ $2::ltree)
          AND ($3::text IS NULL OR u.kind = $3) AND ($4::ltree IS NULL OR u.path > $4::ltree) AND ($5 OR u.active)
          AND ($7::text IS NULL OR u.code = $7) AND ${scope.clause}
        ORDER BY u.path LIMIT $6`,
      [
        folded,
        under,
        query.kind ?? null,
        query.cursor ?? null,
        query.includeInactive,
        query.limit + 1,
        query.code ?? null,
        ...scope.params,
      ],
    );
    return this.page(rows, query.limit);
  }

  private page(rows: (UnitDto & { path: string })[], limit: number): UnitPageDto {
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    return {
      items: items.map(({ path: _path, ...unit }) => unit),
      nextCursor: more ? items[items.length - 1].path : null,
    };
  }

  async reportTargets(id: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT t.id AS "targetId", t.code AS "targetCode", t.name AS "targetName", v.id AS "viaId", v.code AS "viaCode",
              v.name AS "viaName", r.note
         FROM unit_report_target r JOIN unit t ON t.id = r.target_id LEFT JOIN unit v ON v.id = r.via_id
        WHERE r.unit_id = $1 ORDER BY t.code`,
      [id],
    );
  }

  /** Replaces the unit's extra report targets (beyond its parent), e.g. the district Party committee. */
  async setReportTargets(id: string, dto: SetReportTargetsDto): Promise<unknown[]> {
    const codes = [
      ...new Set(dto.targets.flatMap((t) => (t.viaCode ? [t.targetCode, t.viaCode] : [t.targetCode]))),
    ];
    const rows: { id: string; code: string; parent_id: string | null; active: boolean }[] = codes.length
      ? await this.dataSource.query(`SELECT id, code, parent_id, active FROM unit WHERE code = ANY($1)`, [
          codes,
        ])
      : [];
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const invalid = (index: number, field: string, reason: string) =>
      new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        UnitErrorCode.UNIT_REPORT_TARGET_INVALID,
        `targets.${index}.${field}: ${reason}`,
      );
    const links = dto.targets.map((t, i) => {
      const target = byCode.get(t.targetCode);
      if (!target) throw invalid(i, 'targetCode', `no unit ${t.targetCode}`);
      if (target.id === id) throw invalid(i, 'targetCode', 'a unit does not report to itself');
      if (!target.active) throw invalid(i, 'targetCode', `${t.targetCode} is deactivated`);
      const via = t.viaCode ? byCode.get(t.viaCode) : undefined;
      if (t.viaCode && !via) throw invalid(i, 'viaCode', `no unit ${t.viaCode}`);
      if (via && via.parent_id !== target.id)
        throw invalid(i, 'viaCode', `${t.viaCode} is not a department of ${t.targetCode}`);
      return { targetId: target.id, viaId: via?.id ?? null, note: t.note ?? null };
    });
    if (new Set(links.map((l) => l.targetId)).size !== links.length)
      throw invalid(0, 'targetCode', 'a target is listed twice');
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM unit_report_target WHERE unit_id = $1`, [id]);
      for (const l of links) {
        await m.query(
          `INSERT INTO unit_report_target (unit_id, target_id, via_id, note) VALUES ($1,$2,$3,$4)`,
          [id, l.targetId, l.viaId, l.note],
        );
      }
    });
    return this.reportTargets(id);
  }

  // ── import / export ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Parses a CSV (header: code,name,kind,parentCode,symbol,active) or JSON (array or { units: [...] }) upload. */
  parseImport(body: unknown, contentType: string | undefined): ImportRow[] {
    const malformed = (message: string) =>
      new ApiError(HttpStatus.BAD_REQUEST, UnitErrorCode.UNIT_IMPORT_MALFORMED, message);
    let rows: ImportRow[];
    if (typeof body === 'string' && /csv|text\/plain/.test(contentType ?? '')) {
      let records: Record<string, string>[];
      try {
        records = parseCsv(body.replace(/^\uFEFF/, ''), {
          columns: (h: string[]) => h.map((c) => c.trim()),
          skip_empty_lines: true,
          trim: true,
          relax_column_count: false,
          bom: true,
        });
      } catch (error) {
        throw malformed(`body: not valid CSV (${(error as Error).message})`);
      }
      if (records.length && !('code' in records[0] && 'name' in records[0] && 'kind' in records[0])) {
        throw malformed(
          'body: the CSV header must name at least code, name, kind (and optionally parentCode, symbol, active)',
        );
      }
      rows = records.map((r, i) => ({ line: i + 2, ...r }));
    } else if (body && typeof body === 'object') {
      const list: unknown = Array.isArray(body) ? body : (body as { units?: unknown }).units;
      if (!Array.isArray(list)) throw malformed('units: must be an array of units');
      rows = list.map((r: unknown, i) =>
        r && typeof r === 'object' && !Array.isArray(r) ? { ...r, line: i + 1 } : { line: i + 1 },
      );
    } else {
      throw malformed('body: send text/csv or application/json');
    }
    if (rows.length === 0)
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, UnitErrorCode.UNIT_IMPORT_EMPTY, 'body: no units');
    if (rows.length > IMPORT_MAX_ROWS) {
      throw new ApiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        UnitErrorCode.UNIT_IMPORT_TOO_MANY_ROWS,
        `body: at most ${IMPORT_MAX_ROWS} units per import`,
      );
    }
    return rows;
  }

  /** Upserts by code, all accepted rows in one transaction, in batched statements. */
  async import(principal: RequestPrincipal, rows: ImportRow[]): Promise<Omit<ImportResult, 'writes'>> {
    return this.dataSource.transaction(async (m) => {
      // One import at a time: the plan is made against the hierarchy as it stands.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('cascade.unit-import'))`);
      const existing: ExistingUnit[] = await m.query(
        `SELECT id, code, symbol, name, kind, parent_id AS "parentId", path::text AS path, active FROM unit`,
      );
      const plan = planUnitImport(rows, {
        existing,
        newId: randomUUID,
        mayPlaceUnder: (parent) =>
          parent ? can(principal, 'manage', idsFromPath(parent.path)) : principal.systemAdmin,
      });
      await this.writeUnits(m, plan.writes, principal);
      const { writes: _writes, ...result } = plan;
      return result;
    });
  }

  private async writeUnits(
    m: EntityManager,
    writes: UnitWrite[],
    principal: RequestPrincipal,
  ): Promise<void> {
    // Parents before children, so that every parent_id exists when its row is written.
    const ordered = [...writes].sort((a, b) => a.path.split('.').length - b.path.split('.').length);
    for (let i = 0; i < ordered.length; i += WRITE_CHUNK) {
      const chunk = ordered.slice(i, i + WRITE_CHUNK);
      // One statement per chunk: nine array parameters whatever the number of rows.
      await m.query(
        `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path, active)
         SELECT id, code, symbol, name, name_folded, kind, parent_id, path::ltree, active
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::boolean[])
             AS t(id, code, symbol, name, name_folded, kind, parent_id, path, active)
         ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, symbol = EXCLUDED.symbol, name = EXCLUDED.name,
           name_folded = EXCLUDED.name_folded, kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id, path = EXCLUDED.path,
           active = EXCLUDED.active, version = unit.version + 1, updated_at = now()`,
        [
          chunk.map((w) => w.id),
          chunk.map((w) => w.code),
          chunk.map((w) => w.symbol),
          chunk.map((w) => w.name),
          chunk.map((w) => foldVietnamese(`${w.name} ${w.code}`)),
          chunk.map((w) => w.kind),
          chunk.map((w) => w.parentId),
          chunk.map((w) => w.path),
          chunk.map((w) => w.active),
        ],
      );
    }
    const moved = writes.filter((w) => w.movedFrom !== undefined);
    for (let i = 0; i < moved.length; i += WRITE_CHUNK) {
      const chunk = moved.slice(i, i + WRITE_CHUNK);
      await m.query(
        `INSERT INTO unit_move (unit_id, from_parent_id, to_parent_id, moved_by, reason)
         SELECT unit_id, from_parent_id, to_parent_id, $4, 'import' FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(unit_id, from_parent_id, to_parent_id)`,
        [
          chunk.map((w) => w.id),
          chunk.map((w) => w.movedFrom ?? null),
          chunk.map((w) => w.parentId),
          principal.kind === 'user' ? principal.id : null,
        ],
      );
    }
  }

  async export(
    principal: RequestPrincipal,
    under: string | undefined,
    format: 'csv' | 'json',
  ): Promise<string | object[]> {
    let underPath: string | null = null;
    if (under) {
      const path = await this.principals.unitPath(under);
      if (!path || decide(principal, 'view', path) === 'hidden') {
        throw new ApiError(
          HttpStatus.NOT_FOUND,
          UnitErrorCode.UNIT_NOT_FOUND,
          `under: unit ${under} not found`,
        );
      }
      underPath = pathFromIds(path);
    }
    const scope = this.scopeClause(principal, 2);
    const rows: {
      code: string;
      name: string;
      kind: UnitKind;
      parentCode: string | null;
      symbol: string;
      active: boolean;
    }[] = await this.dataSource.query(
      `SELECT u.code, u.name, u.kind, p.code AS "parentCode", u.symbol, u.active
           FROM unit u LEFT JOIN unit p ON p.id = u.parent_id
          WHERE ($1::ltree IS NULL OR u.path <@ $1::ltree) AND ${scope.clause}
          ORDER BY u.path`,
      [underPath, ...scope.params],
    );
    if (format === 'json') return rows;
    return stringifyCsv(rows, {
      header: true,
      columns: ['code', 'name', 'kind', 'parentCode', 'symbol', 'active'],
      // a name or code that a spreadsheet would run as a formula is exported inert
      cast: { boolean: (b) => String(b), string: (s) => inertCell(s) },
    });
  }

  private mapUniqueViolation(error: unknown, code: string): unknown {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'unit_code_unique') {
      return new ApiError(
        HttpStatus.CONFLICT,
        UnitErrorCode.UNIT_CODE_TAKEN,
        `code: ${code} is already used by another unit`,
      );
    }
    return error;
  }
}
