import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  directAddressees,
  exchangeDirective,
  loadCalendar,
  statusChanges,
  storedCycle,
  type ExchangeDirective,
  type StatusChange,
} from '@cascade/persistence';
import {
  DOC_TYPES,
  plannedCycle,
  type DocType,
  type NonWorkingDayPolicy,
  type Schedule,
} from '@cascade/domain';
import { buildEdxmlDocument, buildEdxmlStatus, EDXML_STATUS, type EdxmlStatusCode } from '@cascade/documents';
import { ApiError } from '../common/api-error';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { exportFiles } from './export-files';

/** A unit as edXML names it: its electronic identification code, else (none given yet) its internal code. */
const organId = (u: { code: string; edxml_code: string | null }) => u.edxml_code ?? u.code;

const SIGNED = ['signed', 'dispatched', 'closed', 'recalled', 'superseded'];

/** A directive as an edXML message reads it: its document type and the parts of its content the message carries. */
interface DirectiveRow extends Omit<ExchangeDirective, 'doc_type' | 'content'> {
  doc_type: DocType;
  content: {
    subject?: string;
    place?: string;
    body?: string;
    tasks?: string[];
    reporting?: { schedule?: Schedule; policy?: string; stagger?: number[] };
  };
}

/**
 * A signed directive as an edXML message for the e-office systems around Cascade (QCVN 102:2016), and each
 * recipient's status changes as edXML status messages: 01 delivered, 02 returned, 03 accepted, 04 forwarded to its
 * subordinates, 05 first report, 06 completed at close, 13 recall requested, 15/16 recall accepted or refused.
 * Organ ids are the units' electronic identification codes (mã định danh), a unit without one by its internal code.
 */
@Injectable()
export class DirectiveEdxmlService {
  constructor(private readonly dataSource: DataSource) {}

  private async directive(id: string): Promise<DirectiveRow> {
    // The stored content, read as the parts an edXML message carries.
    const directive = (await exchangeDirective(this.dataSource, id)) as DirectiveRow | null;
    if (!directive)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.DIRECTIVE_NOT_FOUND,
        `directive ${id}: not found`,
      );
    if (!SIGNED.includes(directive.status) || !directive.symbol || !directive.signed_at)
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${directive.status}: only a signed directive is exchanged as edXML`,
      );
    return directive;
  }

  /** The id receivers answer by (ResponseFor/DocumentId): the sender's organ id, the date and the code. */
  static documentId(issuer: string, date: string, symbol: string): string {
    return `${issuer},${date.replace(/-/g, '/')},${symbol}`;
  }

  private static day(instant: Date): string {
    return new Date(instant.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  }

  /** The document message of a signed directive, addressed to the units it was sent to. */
  async document(id: string): Promise<string> {
    const directive = await this.directive(id);
    const to = await directAddressees(this.dataSource, id);
    const [number, ...rest] = directive.symbol!.split(/[/-]/);
    const notation = directive.symbol!.slice(number.length + 1) || rest.join('/');
    const date = DirectiveEdxmlService.day(directive.signed_at!);
    const content =
      directive.content.body ?? (directive.content.tasks ?? []).map((t, i) => `${i + 1}. ${t}`).join('\n');
    const issuer = organId({ code: directive.issuer_code, edxml_code: directive.issuer_edxml_code });
    return buildEdxmlDocument({
      from: {
        organId: issuer,
        organName: directive.issuer_name,
        organizationInCharge: directive.parent_name ?? directive.issuer_name,
      },
      to: to.map((u) => ({ organId: organId(u), organName: u.name })),
      documentId: DirectiveEdxmlService.documentId(issuer, date, directive.symbol!),
      code: { number, notation },
      promulgation: { place: directive.content.place ?? null, date },
      documentType: { type: '2', name: DOC_TYPES[directive.doc_type] },
      subject: directive.content.subject ?? '',
      content: content || null,
      signer: {
        competence: directive.signer_authority,
        position: directive.signer_position,
        fullName: directive.signer_name,
      },
      dueDate: await this.dueDate(directive),
      toPlaces: to.map((u) => u.name),
      priority: 0,
      steeringType: directive.content.reporting ? 1 : 0,
      businessDocType: 0,
      businessDocReason: null,
      trace: [{ organId: issuer, timestamp: directive.signed_at!.toISOString() }],
      attachments: await exportFiles(this.dataSource, { id, symbol: directive.symbol }),
    });
  }

  /**
   * The first reporting deadline of the grassroots, when the directive reports on a dated schedule: the stored cycle
   * once planned, else computed from the stored calendar with the directive's policy.
   */
  private async dueDate(directive: DirectiveRow): Promise<string | null> {
    const reporting = directive.content.reporting;
    const schedule = reporting?.schedule;
    if (!schedule || schedule.kind === 'adhoc' || schedule.kind === 'interval') return null;
    const stored = await storedCycle(this.dataSource, directive.id, 0);
    if (stored) return stored.deadlines[0]?.lastDay ?? null;
    try {
      const { calendar } = await loadCalendar(this.dataSource);
      const cycle = plannedCycle(
        { schedule, policy: reporting.policy as NonWorkingDayPolicy | undefined, stagger: reporting.stagger },
        directive.dispatched_at?.toISOString() ?? null,
        0,
        calendar,
      );
      return cycle?.lastDays[0] ?? null;
    } catch {
      return null;
    }
  }

  /** Each recipient's status changes, oldest first, each as an edXML status message. */
  async statuses(id: string, unitId: string | undefined, limit: number) {
    const directive = await this.directive(id);
    const rows = (await statusChanges(this.dataSource, id, unitId ?? null, limit)) as (StatusChange & {
      status_code: EdxmlStatusCode;
    })[];
    const date = DirectiveEdxmlService.day(directive.signed_at!);
    const issuer = organId({ code: directive.issuer_code, edxml_code: directive.issuer_edxml_code });
    return {
      directiveId: id,
      code: directive.symbol,
      items: rows.map((r) => ({
        unitCode: r.code,
        unitName: r.name,
        statusCode: r.status_code,
        description: EDXML_STATUS[r.status_code],
        at: r.at.toISOString(),
        xml: buildEdxmlStatus({
          responseFor: {
            organId: issuer,
            code: directive.symbol!,
            promulgationDate: date,
            documentId: DirectiveEdxmlService.documentId(issuer, date, directive.symbol!),
          },
          from: { organId: organId(r), organName: r.name },
          statusCode: r.status_code,
          description: EDXML_STATUS[r.status_code],
          timestamp: r.at.toISOString(),
          staff: r.staff ? { department: null, name: r.staff } : null,
        }),
      })),
    };
  }
}
