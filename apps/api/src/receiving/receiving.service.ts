import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { can, idsFromPath, normalizeText } from '@cascade/domain';
import { DocumentInputError, importDocument, type ImportedDocument } from '@cascade/documents';
import {
  appendEvent,
  insertReceived,
  ReceivedNumberTakenError,
  receivedEntry,
  receivedRegister,
  unitCodesAndNames,
  unitPathText,
} from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';
import type { RequestPrincipal } from '../auth/principal';
import { actingUser } from '../auth/principal';
import { DirectivesService } from '../directives/directives.service';
import { STATUS_OF, toDocType } from '../exchange/import.service';
import type {
  ReceivedFieldsDto,
  ReceivedRegisterQueryDto,
  RegisterReceivedDto,
} from './dto/register-received.dto';
import { ReceivingErrorCode } from './receiving-error-codes';

/** The longest body kept with a record (the directive's own limit). */
const MAX_BODY = 200_000;
/** How far ahead of this server's clock a receipt may be stamped (another machine's clock). */
const CLOCK_SKEW_MS = 60_000;
const VN_OFFSET_MS = 7 * 3600_000;

const bad = (field: string, message: string) =>
  new ApiError(HttpStatus.BAD_REQUEST, ReceivingErrorCode.RECEIVED_INVALID_INPUT, `${field}: ${message}`, {
    field,
  });

/** The number a symbol starts with ("812/LĐLĐ" → 812, "37-KH/BTCTU" → 37), or null. */
const leadingNumber = (symbol: string | undefined): number | null => {
  const m = symbol ? /^\s*(\d{1,7})(?!\d)/.exec(symbol) : null;
  return m ? Number(m[1]) : null;
};

/** The earliest year a document or its receipt is taken from (before it, a typing error). */
const FIRST_YEAR = 1900;

/** A calendar date that exists (2020-02-30 does not), from FIRST_YEAR on. */
const isDate = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getUTCFullYear() >= FIRST_YEAR;
};

/** What a document's text says of its own parts; what it does not say is absent, never guessed. */
export function fieldsOfDocument(imported: ImportedDocument): ReceivedFieldsDto {
  const v = imported.view;
  const fields: ReceivedFieldsDto = {
    number: v.codeNumber ?? undefined,
    symbol: v.code ?? undefined,
    date: v.issuedDate ?? undefined,
    issuerName: v.issuerName ?? undefined,
    type: toDocType(v.documentTypeCode) ?? undefined,
    subject: v.subject ?? undefined,
    body: imported.text && imported.text.length <= MAX_BODY ? imported.text : undefined,
  };
  return JSON.parse(JSON.stringify(fields)) as ReceivedFieldsDto;
}

/**
 * The incoming register: documents received from outside Cascade (on paper, or from another system), registered by
 * the receiving unit's clerk under their own number and symbol with a received number (số đến) of the unit's year.
 * Each is a directive with status 'received': no workflow is started for it, it never takes a number of the unit's
 * own, it is in the unit's incoming register and never in its outgoing one, and a draft of the unit can implement it.
 */
@Injectable()
export class ReceivingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
  ) {}

  /** Reads a document (text, .docx, edXML); its unreadable forms answered as the directive import answers them. */
  async read(data: Buffer, hint: { filename?: string; mediaType?: string; field: string }) {
    try {
      return await importDocument(data, hint);
    } catch (e) {
      if (e instanceof DocumentInputError)
        throw new ApiError(STATUS_OF[e.code], e.code, e.message, { field: e.field });
      throw e;
    }
  }

  /** What the document's text gives for a record, and what is still to be typed: nothing is stored. */
  async preview(
    unitId: string,
    data: Buffer,
    hint: { filename?: string; mediaType?: string; field: string },
  ) {
    const imported = await this.read(data, hint);
    const record = { unitId, ...fieldsOfDocument(imported) };
    const problems = [
      ...(record.subject ? [] : [{ field: 'subject', message: 'subject: the text has none: type it' }]),
      ...(record.issuerName
        ? []
        : [{ field: 'issuerName', message: 'issuerName: the text names no issuing body: type it' }]),
      ...(record.type
        ? []
        : [{ field: 'type', message: 'type: the text names no type Cascade knows: choose one' }]),
    ];
    return {
      format: imported.format,
      parsed: imported.view,
      record,
      problems,
      ready: problems.length === 0,
      confirm: { method: 'POST', path: '/registers/incoming/received', body: 'record' },
    };
  }

  async register(principal: RequestPrincipal, dto: RegisterReceivedDto) {
    const { unitId, text, receivedNumber, receivedAt: at, ...given } = dto;
    const read = text ? fieldsOfDocument(await this.read(Buffer.from(text, 'utf8'), { field: 'text' })) : {};
    // what the clerk typed wins; the text fills what was left out
    const f: ReceivedFieldsDto = { ...read, ...(JSON.parse(JSON.stringify(given)) as ReceivedFieldsDto) };
    const subject = f.subject ? normalizeText(f.subject) : '';
    if (!subject) throw bad('subject', text ? 'required (the text has none)' : 'required');
    if (!f.type) throw bad('type', text ? 'required (the text names no type Cascade knows)' : 'required');
    const receivedAt = at ? new Date(at) : new Date();
    if (receivedAt.getTime() > Date.now() + CLOCK_SKEW_MS) throw bad('receivedAt', 'in the future');
    if (Number.isNaN(receivedAt.getTime()) || receivedAt.getUTCFullYear() < FIRST_YEAR)
      throw bad('receivedAt', `before ${FIRST_YEAR}`);
    if (f.date !== undefined) {
      if (!isDate(f.date)) throw bad('date', `${f.date} is not a date (from ${FIRST_YEAR} on)`);
      if (new Date(`${f.date}T00:00:00+07:00`).getTime() > receivedAt.getTime())
        throw bad('date', 'after receivedAt: a document is dated before it is received');
    }
    const symbol = f.symbol ? normalizeText(f.symbol) : null;
    const number = f.number ?? leadingNumber(symbol ?? undefined);
    if (
      f.number !== undefined &&
      symbol &&
      leadingNumber(symbol) !== null &&
      leadingNumber(symbol) !== f.number
    )
      throw bad('number', `${f.number} is not the number of symbol "${symbol}"`);
    const issuerUnit = f.issuerUnitId ? await this.visibleUnit(principal, f.issuerUnitId) : null;
    const issuerName = f.issuerName ? normalizeText(f.issuerName) : (issuerUnit?.name ?? '');
    if (!issuerName) throw bad('issuerName', text ? 'required (the text names no issuing body)' : 'required');

    const id = randomUUID();
    const actor = await this.directives.actor(principal, unitId, 'register');
    try {
      await this.dataSource.transaction(async (m) => {
        const allocated = await insertReceived(m, {
          id,
          unitId,
          docType: f.type!,
          // the content's shape (no tasks are read out: the text is the body)
          content: { subject, tasks: [], ...(f.body ? { body: f.body } : {}) },
          workflowId: `received/${id}`,
          externalIssuerName: issuerName,
          externalIssuerUnitId: issuerUnit?.id ?? null,
          externalNumber: number,
          symbol,
          externalDate: f.date ?? null,
          receivedNumber: receivedNumber ?? null,
          receivedYear: new Date(receivedAt.getTime() + VN_OFFSET_MS).getUTCFullYear(),
          receivedAt,
          receivedBy: actingUser(principal),
        });
        await appendEvent(m, {
          directiveId: id,
          action: 'received',
          actorUserId: actingUser(principal),
          actorRole: actor.role,
          actorUnitId: unitId,
          data: { receivedNumber: allocated, symbol, issuerName, receivedAt: receivedAt.toISOString() },
        });
      });
    } catch (e) {
      if (e instanceof ReceivedNumberTakenError)
        throw new ApiError(
          HttpStatus.CONFLICT,
          ReceivingErrorCode.RECEIVED_NUMBER_TAKEN,
          `receivedNumber: ${e.receivedNumber} is already in this unit's register for that year`,
          { field: 'receivedNumber' },
        );
      throw e;
    }
    return this.get(id);
  }

  /** A unit of Cascade the caller may see; any other is answered as one that does not exist. */
  private async visibleUnit(principal: RequestPrincipal, id: string) {
    const path = await unitPathText(this.dataSource, id);
    const [unit] =
      path && can(principal, 'view', idsFromPath(path)) ? await unitCodesAndNames(this.dataSource, [id]) : [];
    if (!unit)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        ReceivingErrorCode.ISSUER_UNIT_NOT_FOUND,
        'issuerUnitId: unit not found',
        {
          field: 'issuerUnitId',
        },
      );
    return unit;
  }

  async get(id: string) {
    const entry = await receivedEntry(this.dataSource, id);
    if (!entry)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        ReceivingErrorCode.RECEIVED_NOT_FOUND,
        `received ${id}: not found`,
      );
    return entry;
  }

  async list(q: ReceivedRegisterQueryDto) {
    const after = decodeCursor(q.cursor);
    const rows = await receivedRegister(this.dataSource, {
      unitId: q.unitId,
      year: q.year ?? null,
      after,
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > q.limit
        ? Buffer.from(JSON.stringify({ t: last.receivedAt.toISOString(), id: last.id })).toString('base64url')
        : null;
    return { items, nextCursor };
  }
}

function decodeCursor(raw: string | undefined): { receivedAt: string; id: string } | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (
      typeof c.t === 'string' &&
      !Number.isNaN(Date.parse(c.t)) &&
      typeof c.id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(c.id)
    )
      return { receivedAt: c.t, id: c.id };
  } catch {
    // answered below
  }
  throw new ApiError(
    HttpStatus.BAD_REQUEST,
    CommonErrorCode.VALIDATION_FAILED,
    'cursor: not a cursor this API gave',
    {
      field: 'cursor',
    },
  );
}
