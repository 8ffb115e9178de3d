import { HttpStatus, Injectable } from '@nestjs/common';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { inertCell, type ReportForm } from '@cascade/domain';
import {
  incomingRegister,
  outgoingRegister,
  overdueUnits,
  routingTreeLevel,
  searchWords,
  unitCodesAndNames,
  type OverdueKey,
  type RegisterFilter,
} from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';
import {
  decodeCursor as decodeOverdueCursor,
  isCount,
  isExactTime,
  isUuid,
  MAX_PAGE,
  pageOf,
  tupleOf,
} from '../common/page';
import type { Page } from '@cascade/contracts';
import { DirectivesService } from '../directives/directives.service';
import { ReportingService } from '../reporting/reporting.service';
import type { ExportQueryDto, OverdueQueryDto, RegisterQueryDto, TreeQueryDto } from './secretariat.dto';

interface Cursor {
  t: string;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t)) && /^[0-9a-f-]{36}$/i.test(c.id)) return c;
  } catch {
    // reported below
  }
  throw new ApiError(
    HttpStatus.BAD_REQUEST,
    CommonErrorCode.VALIDATION_FAILED,
    'cursor: not a cursor this API gave',
  );
}

/** A LIKE pattern per word of the query, folded like the search column (accents and case ignored). */
const words = (q: string | undefined): string[] => (q ? searchWords(q) : []);

const LEVELS = ['reminded', 'overdue', 'parent', 'issuer', 'above'];

/** What both registers are filtered by: one more entry than the page, to tell whether there is a next one. */
const registerFilter = (q: RegisterQueryDto, cursor: Cursor | null): RegisterFilter => ({
  unitId: q.unitId,
  status: q.status ?? null,
  type: q.type ?? null,
  from: q.from ?? null,
  to: q.to ?? null,
  searchPatterns: words(q.q),
  after: cursor ? { sortAt: cursor.t, id: cursor.id } : null,
  limit: q.limit + 1,
});

/**
 * What secretariats read, straight from PostgreSQL (never one workflow at a time): the outgoing and incoming
 * registers, a directive's routing tree with roll-ups per subtree, the overdue list across directives, and the
 * aggregated report of a cycle as CSV or XLSX.
 */
@Injectable()
export class SecretariatService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
    private readonly reporting: ReportingService,
  ) {}

  private async page<T extends { sortAt: Date; id: string }>(rows: T[], limit: number) {
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: more ? encodeCursor({ t: last.sortAt.toISOString(), id: last.id }) : null };
  }

  /** Directives the unit issued, newest first (signed, else drafted), with their routing progress. */
  async outgoing(q: RegisterQueryDto) {
    const cursor = decodeCursor(q.cursor);
    const rows = await outgoingRegister(this.dataSource, registerFilter(q, cursor));
    return this.page(rows, q.limit);
  }

  /** Directives routed to the unit, newest delivery first, with its acknowledgement and what it still owes. */
  async incoming(q: RegisterQueryDto) {
    const cursor = decodeCursor(q.cursor);
    const rows = await incomingRegister(this.dataSource, registerFilter(q, cursor));
    return this.page(rows, q.limit);
  }

  /**
   * One level of a directive's routing tree (the issuer's children, or a node's), paginated, each child with the
   * roll-up of its whole subtree computed in SQL: nodes by status, and for a cycle, grassroots reports on time, late
   * and missing, and the share on time.
   */
  async tree(directiveId: string, q: TreeQueryDto) {
    const parent = q.parentUnitId ?? (await this.directives.issuerOf(directiveId));
    const rows = await routingTreeLevel(this.dataSource, {
      directiveId,
      parentUnitId: parent,
      cursor: q.cursor ?? null,
      limit: q.limit + 1,
      cycle: q.cycle,
    });
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit);
    return {
      directiveId,
      parentUnitId: parent,
      cycle: q.cycle,
      items,
      nextCursor: more ? items[items.length - 1].unitId : null,
    };
  }

  /**
   * Grassroots units overdue on any open directive, anywhere in the unit's subtree, most late first: the cycle, since
   * when, and how far up the ladder it has gone. A unit that reported since is no longer listed.
   */
  async overdue(q: OverdueQueryDto) {
    const after = decodeOverdueCursor(
      'overdue',
      q.cursor,
      tupleOf<OverdueKey>(isExactTime, isUuid, isUuid, isCount),
    );
    return pageOf(
      'overdue',
      await overdueUnits(this.dataSource, { unitId: q.unitId, levels: LEVELS }, { after, limit: q.limit }),
    );
  }

  /**
   * The aggregated report of a cycle at a node as a table: one row per expected grassroots unit below it (on time,
   * late or missing, with its values), then the aggregate. CSV (UTF-8 with BOM, for Excel) or XLSX.
   */
  async exportAggregate(directiveId: string, q: ExportQueryDto) {
    const agg = await this.reporting.aggregateAt(directiveId, { unitId: q.unitId, cycle: q.cycle });
    const directive = await this.directives.get(directiveId);
    const form = (directive.content.reporting as { form: ReportForm }).form;
    const at = { unitId: q.unitId, cycle: q.cycle };
    const reports = (await everyItem((cursor) =>
      this.reporting.reports(directiveId, { ...at, limit: MAX_PAGE, cursor }),
    )) as {
      unitId: string;
      values: Record<string, unknown>;
      late: boolean;
    }[];
    // Every missing unit, page by page (the aggregate itself lists the first ones).
    const missing = (
      await everyItem((cursor) => this.reporting.missing(directiveId, { ...at, limit: MAX_PAGE, cursor }))
    ).map((u) => u.unitId);
    const ids = [...reports.map((r) => r.unitId), ...missing];
    const units = await unitCodesAndNames(this.dataSource, ids);
    const unitOf = new Map(units.map((u) => [u.id, u]));
    const cell = (v: unknown): string | number =>
      v === null || v === undefined
        ? ''
        : typeof v === 'boolean'
          ? v
            ? 'có'
            : 'không'
          : Array.isArray(v)
            ? v.map((x: { value: unknown }) => String(x.value)).join('; ')
            : typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)
              ? // a collect field of the aggregate: its first answers, and how many more (each unit's row has its own)
                collectedCell(v as { count: number; items: { value: unknown }[] })
              : (v as string | number);
    const header = ['Mã đơn vị', 'Đơn vị', 'Tình trạng', ...form.fields.map((f) => f.label)];
    const body: (string | number)[][] = [
      ...reports
        .filter((r) => r.unitId !== q.unitId)
        .map((r) => [
          unitOf.get(r.unitId)?.code ?? r.unitId,
          unitOf.get(r.unitId)?.name ?? '',
          r.late ? 'muộn' : 'đúng hạn',
          ...form.fields.map((f) => cell(r.values[f.key])),
        ]),
      ...missing.map((id) => [
        unitOf.get(id)?.code ?? id,
        unitOf.get(id)?.name ?? '',
        'chưa báo cáo',
        ...form.fields.map(() => ''),
      ]),
      [
        'TỔNG HỢP',
        `${agg.coverage.onTime} đúng hạn, ${agg.coverage.late} muộn, ${agg.coverage.missing} chưa báo cáo / ${agg.coverage.expected}`,
        agg.closed ? `đã tổng hợp (lần ${agg.revision})` : 'tạm tính',
        ...form.fields.map((f) => cell(agg.values[f.key])),
      ],
    ];
    const name = `bao-cao-${(directive.symbol ?? directiveId).replace(/[^A-Za-z0-9]+/g, '-')}-ky-${q.cycle + 1}`;
    if (q.format === 'csv') {
      return {
        filename: `${name}.csv`,
        contentType: 'text/csv; charset=utf-8',
        // every text a unit typed (and the total row's collected texts) exported inert, never as a formula
        body: Buffer.from(
          '\uFEFF' + stringifyCsv([header, ...body], { cast: { string: (s) => inertCell(s) } }),
          'utf8',
        ),
      };
    }
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'Cascade';
    const sheet = workbook.addWorksheet(`Kỳ ${q.cycle + 1}`);
    sheet.addRow([
      `${directive.symbol ?? ''} — ${(directive.content.subject as string | undefined) ?? ''}`,
    ]).font = {
      bold: true,
    };
    sheet.addRow([`Kỳ ${agg.label}`]);
    sheet.addRow([]);
    sheet.addRow(header).font = { bold: true };
    for (const row of body) sheet.addRow(row);
    sheet.getRow(sheet.rowCount).font = { bold: true };
    sheet.columns.forEach((c, i) => (c.width = i === 1 ? 40 : 16));
    return {
      filename: `${name}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: Buffer.from(await workbook.xlsx.writeBuffer()),
    };
  }
}

/** The total row's cell of a collect field: its first answers, then how many more the unit rows hold. */
function collectedCell(v: { count: number; items: { value: unknown }[] }): string {
  const shown = v.items.map((x) => String(x.value)).join('; ');
  return v.count > v.items.length ? `${shown}; … (+${v.count - v.items.length})` : shown;
}

/** Every item of a list, read page by page (an export's table). */
async function everyItem<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    all.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
