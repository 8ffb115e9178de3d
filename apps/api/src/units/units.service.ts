import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
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
  type ImportResult,
  type ImportRow,
} from '@cascade/domain';
import {
  findUnit,
  insertUnit,
  lockHierarchyForChange,
  lockHierarchyForImport,
  lockUnitForMove,
  moveUnitSubtree,
  replaceUnitReportTargets,
  searchUnitsPage,
  setUnitActive,
  unitMoves,
  unitPathText,
  unitPlacement,
  unitReportTargets,
  unitsByCode,
  unitsForExport,
  unitSubtreePage,
  updateUnitDetails,
  writeImportedUnits,
  type StoredUnitWithPath,
  type UnitMove,
  type UnitReportTarget,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth-error-codes';
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
import { UnitErrorCode } from './unit-error-codes';

export const IMPORT_MAX_ROWS = 200_000;

@Injectable()
export class UnitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly principals: PrincipalService,
  ) {}

  async get(id: string): Promise<UnitDto> {
    const unit = await findUnit(this.dataSource, id);
    if (!unit)
      throw new ApiError(HttpStatus.NOT_FOUND, UnitErrorCode.UNIT_NOT_FOUND, `unit ${id}: not found`);
    return unit;
  }

  async create(dto: CreateUnitDto): Promise<UnitDto> {
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (m) => {
        // The parent's path is read under the hierarchy lock: an import cannot move it before this commits.
        await lockHierarchyForChange(m);
        let path = pathLabel(id);
        if (dto.parentId) {
          const parent = (await unitPlacement(m, dto.parentId))!;
          if (!parent.active) {
            throw new ApiError(
              HttpStatus.CONFLICT,
              UnitErrorCode.UNIT_PARENT_INACTIVE,
              `parentId: unit ${dto.parentId} is deactivated`,
            );
          }
          path = `${parent.path}.${path}`;
        }
        await insertUnit(m, {
          id,
          code: dto.code,
          symbol: dto.symbol ?? dto.code,
          name: dto.name,
          kind: dto.kind,
          parentId: dto.parentId ?? null,
          path,
          edxmlCode: dto.edxmlCode ?? null,
        });
      });
    } catch (error) {
      throw this.mapUniqueViolation(error, dto.code, dto.edxmlCode ?? null);
    }
    return this.get(id);
  }

  async update(id: string, dto: UpdateUnitDto): Promise<UnitDto> {
    const current = await this.get(id);
    const name = dto.name ?? current.name;
    const changed =
      (dto.name !== undefined && dto.name !== current.name) ||
      (dto.symbol !== undefined && dto.symbol !== current.symbol) ||
      (dto.kind !== undefined && dto.kind !== current.kind) ||
      (dto.edxmlCode !== undefined && dto.edxmlCode !== current.edxmlCode);
    const edxmlCode = dto.edxmlCode === undefined ? current.edxmlCode : dto.edxmlCode;
    if (changed) {
      try {
        await updateUnitDetails(this.dataSource, id, {
          code: current.code,
          name,
          symbol: dto.symbol ?? current.symbol,
          kind: dto.kind ?? current.kind,
          edxmlCode,
        });
      } catch (error) {
        throw this.mapUniqueViolation(error, current.code, edxmlCode);
      }
    }
    return this.get(id);
  }

  async setActive(id: string, active: boolean): Promise<UnitDto> {
    await setUnitActive(this.dataSource, id, active);
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
      await lockHierarchyForChange(m);
      const { path: oldPath, parentId: oldParent } = await lockUnitForMove(m, id);
      const target = (await unitPlacement(m, dto.parentId))!;
      if (target.path === oldPath || target.path.startsWith(`${oldPath}.`)) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          UnitErrorCode.UNIT_MOVE_CYCLE,
          `parentId: ${dto.parentId} is the unit itself or below it`,
        );
      }
      if (!target.active)
        throw new ApiError(
          HttpStatus.CONFLICT,
          UnitErrorCode.UNIT_PARENT_INACTIVE,
          `parentId: unit ${dto.parentId} is deactivated`,
        );
      if (oldParent !== dto.parentId) {
        await moveUnitSubtree(m, {
          id,
          oldPath,
          newPath: `${target.path}.${pathLabel(id)}`,
          fromParentId: oldParent,
          toParentId: dto.parentId,
          movedBy: principal.kind === 'user' ? principal.id : null,
          reason: dto.reason ?? null,
        });
      }
      return (await findUnit(m, id))!;
    });
  }

  async moves(id: string): Promise<UnitMove[]> {
    return unitMoves(this.dataSource, id);
  }

  /** The subtree below a unit down to `depth` levels, in depth-first order, paginated by path. */
  async tree(principal: RequestPrincipal, id: string, query: TreeQueryDto): Promise<UnitPageDto> {
    const rows = await unitSubtreePage(this.dataSource, {
      rootPath: (await unitPathText(this.dataSource, id))!,
      depth: query.depth,
      cursor: query.cursor ?? null,
      includeInactive: query.includeInactive,
      limit: query.limit + 1,
      scope: viewScope(principal),
    });
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
    const words = query.q
      ? foldVietnamese(query.q)
          .split(/[\s\p{Cc}]+/u)
          .filter(Boolean)
      : [];
    const folded = words.length ? words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : null;
    const rows = await searchUnitsPage(this.dataSource, {
      foldedPatterns: folded,
      underPath: under,
      kind: query.kind ?? null,
      cursor: query.cursor ?? null,
      includeInactive: query.includeInactive,
      limit: query.limit + 1,
      code: query.code ?? null,
      scope: viewScope(principal),
    });
    return this.page(rows, query.limit);
  }

  private page(rows: StoredUnitWithPath[], limit: number): UnitPageDto {
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    return {
      items: items.map(({ path: _path, ...unit }) => unit),
      nextCursor: more ? items[items.length - 1].path : null,
    };
  }

  async reportTargets(id: string): Promise<UnitReportTarget[]> {
    return unitReportTargets(this.dataSource, id);
  }

  /**
   * Replaces the unit's extra report targets (beyond its parent), e.g. the district Party committee. A target (or
   * department) must be one the caller may see, one of the unit's own ancestors, or one the unit already reports to
   * (a link a system administrator made, which its admins may keep): any other code is answered as a code that does
   * not exist, so that the route confirms nothing of a tree the caller may not see.
   */
  async setReportTargets(
    principal: RequestPrincipal,
    id: string,
    dto: SetReportTargetsDto,
  ): Promise<UnitReportTarget[]> {
    const codes = [
      ...new Set(dto.targets.flatMap((t) => (t.viaCode ? [t.targetCode, t.viaCode] : [t.targetCode]))),
    ];
    const [units, unitPath, current] = await Promise.all([
      unitsByCode(this.dataSource, codes),
      this.principals.unitPath(id),
      unitReportTargets(this.dataSource, id),
    ]);
    const known = new Set([
      ...(unitPath ?? []),
      ...current.flatMap((link) => (link.viaId ? [link.targetId, link.viaId] : [link.targetId])),
    ]);
    const byCode = new Map(
      units
        .filter((unit) => known.has(unit.id) || can(principal, 'view', idsFromPath(unit.path)))
        .map((unit) => [unit.code, unit]),
    );
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
      if (via && via.parentId !== target.id)
        throw invalid(i, 'viaCode', `${t.viaCode} is not a department of ${t.targetCode}`);
      return { targetId: target.id, viaId: via?.id ?? null, note: t.note ?? null };
    });
    if (new Set(links.map((l) => l.targetId)).size !== links.length)
      throw invalid(0, 'targetCode', 'a target is listed twice');
    await this.dataSource.transaction((m) => replaceUnitReportTargets(m, id, links));
    return this.reportTargets(id);
  }

  // ── import / export ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Parses a CSV (header: code,name,kind,parentCode,symbol,active,edxmlCode) or JSON (array or { units: [...] }) upload. */
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
          'body: the CSV header must name at least code, name, kind (and optionally parentCode, symbol, active, edxmlCode)',
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
      const existing = await lockHierarchyForImport(m);
      // Paths are the database's, read under the lock: a placement is never judged where the file says a unit will
      // be, and a unit the importer may not see is answered as one that does not exist.
      const plan = planUnitImport(rows, {
        existing,
        newId: randomUUID,
        mayPlaceUnder: (parent) =>
          parent ? can(principal, 'manage', idsFromPath(parent.path)) : principal.systemAdmin,
        maySee: (unit) => can(principal, 'view', idsFromPath(unit.path)),
      });
      await writeImportedUnits(m, plan.writes, principal.kind === 'user' ? principal.id : null);
      const { writes: _writes, ...result } = plan;
      return result;
    });
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
    const rows = await unitsForExport(this.dataSource, underPath, viewScope(principal));
    if (format === 'json') return rows;
    return stringifyCsv(rows, {
      header: true,
      columns: ['code', 'name', 'kind', 'parentCode', 'symbol', 'active', 'edxmlCode'],
      // a name or code that a spreadsheet would run as a formula is exported inert
      cast: { boolean: (b) => String(b), string: (s) => inertCell(s) },
    });
  }

  private mapUniqueViolation(error: unknown, code: string, edxmlCode: string | null): unknown {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'unit_edxml_code_unique') {
      return new ApiError(
        HttpStatus.CONFLICT,
        UnitErrorCode.UNIT_EDXML_CODE_TAKEN,
        `edxmlCode: ${edxmlCode} is already used by another unit`,
        { field: 'edxmlCode' },
      );
    }
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
