import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadCalendar, storedCycle } from '@cascade/persistence';
import {
  DOC_TYPES,
  plannedCycle,
  type DocType,
  type NonWorkingDayPolicy,
  type Schedule,
} from '@cascade/domain';
import { buildEdxmlDocument, buildEdxmlStatus, EDXML_STATUS, type EdxmlStatusCode } from '@cascade/documents';
import { ApiError } from '../common/api-error';
import { DirectiveErrorCode } from './directives.exceptions';

const SIGNED = ['signed', 'dispatched', 'closed', 'recalled', 'superseded'];

interface DirectiveRow {
  id: string;
  status: string;
  doc_type: DocType;
  symbol: string | null;
  number: number | null;
  signed_at: Date | null;
  dispatched_at: Date | null;
  content: {
    subject?: string;
    place?: string;
    body?: string;
    tasks?: string[];
    reporting?: { schedule?: Schedule; policy?: string; stagger?: number[] };
  };
  signer_authority: string | null;
  signer_position: string | null;
  signer_name: string | null;
  issuer_code: string;
  issuer_name: string;
  parent_name: string | null;
}

/**
 * A signed directive as an edXML message for the e-office systems around Cascade (QCVN 102:2016), and each
 * recipient's status changes as edXML status messages: 01 delivered, 02 returned, 03 accepted, 04 forwarded to its
 * subordinates, 05 first report, 06 completed at close, 13 recall requested, 15/16 recall accepted or refused.
 * Organ ids are unit codes.
 */
@Injectable()
export class DirectiveEdxmlService {
  constructor(private readonly dataSource: DataSource) {}

  private async directive(id: string): Promise<DirectiveRow> {
    const rows: DirectiveRow[] = await this.dataSource.query(
      `SELECT d.id::text AS id, d.status, d.doc_type, d.symbol, d.number, d.signed_at, d.dispatched_at, d.content,
              d.signer_authority, d.signer_position, d.signer_name,
              u.code AS issuer_code, u.name AS issuer_name, p.name AS parent_name
         FROM directive d JOIN unit u ON u.id = d.issuer_id LEFT JOIN unit p ON p.id = u.parent_id
        WHERE d.id = $1`,
      [id],
    );
    if (!rows.length)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.DIRECTIVE_NOT_FOUND,
        `directive ${id}: not found`,
      );
    const d = rows[0];
    if (!SIGNED.includes(d.status) || !d.symbol || !d.signed_at)
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${d.status}: only a signed directive is exchanged as edXML`,
      );
    return d;
  }

  private static day(d: Date): string {
    return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  }

  /** The document message of a signed directive, addressed to the units it was sent to. */
  async document(id: string): Promise<string> {
    const d = await this.directive(id);
    const to: { code: string; name: string }[] = await this.dataSource.query(
      `SELECT u.code, u.name FROM routing_node r JOIN unit u ON u.id = r.unit_id JOIN directive d ON d.id = r.directive_id
        WHERE r.directive_id = $1 AND r.parent_unit_id = d.issuer_id ORDER BY u.code`,
      [id],
    );
    const [number, ...rest] = d.symbol!.split(/[/-]/);
    const notation = d.symbol!.slice(number.length + 1) || rest.join('/');
    const date = DirectiveEdxmlService.day(d.signed_at!);
    const content = d.content.body ?? (d.content.tasks ?? []).map((t, i) => `${i + 1}. ${t}`).join('\n');
    return buildEdxmlDocument({
      from: {
        organId: d.issuer_code,
        organName: d.issuer_name,
        organizationInCharge: d.parent_name ?? d.issuer_name,
      },
      to: to.map((u) => ({ organId: u.code, organName: u.name })),
      documentId: `${d.issuer_code},${date.replace(/-/g, '/')},${d.symbol}`,
      code: { number, notation },
      promulgation: { place: d.content.place ?? null, date },
      documentType: { type: '2', name: DOC_TYPES[d.doc_type] },
      subject: d.content.subject ?? '',
      content: content || null,
      signer: { competence: d.signer_authority, position: d.signer_position, fullName: d.signer_name },
      dueDate: await this.dueDate(d),
      toPlaces: to.map((u) => u.name),
      priority: 0,
      steeringType: d.content.reporting ? 1 : 0,
      businessDocType: 0,
      businessDocReason: null,
      trace: [{ organId: d.issuer_code, timestamp: d.signed_at!.toISOString() }],
    });
  }

  /**
   * The first reporting deadline of the grassroots, when the directive reports on a dated schedule: the stored cycle
   * once planned, else computed from the stored calendar with the directive's policy.
   */
  private async dueDate(d: DirectiveRow): Promise<string | null> {
    const reporting = d.content.reporting;
    const schedule = reporting?.schedule;
    if (!schedule || schedule.kind === 'adhoc' || schedule.kind === 'interval') return null;
    const stored = await storedCycle(this.dataSource, d.id, 0);
    if (stored) return stored.deadlines[0]?.lastDay ?? null;
    try {
      const { calendar } = await loadCalendar(this.dataSource);
      const cycle = plannedCycle(
        { schedule, policy: reporting.policy as NonWorkingDayPolicy | undefined, stagger: reporting.stagger },
        d.dispatched_at?.toISOString() ?? null,
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
    const d = await this.directive(id);
    const rows: {
      code: string;
      name: string;
      status_code: EdxmlStatusCode;
      at: Date;
      staff: string | null;
    }[] = await this.dataSource.query(
      `SELECT u.code, u.name, x.code AS status_code, x.at, x.staff
           FROM routing_node r JOIN unit u ON u.id = r.unit_id
           CROSS JOIN LATERAL (VALUES
             ('01', r.delivered_at, NULL),
             (CASE r.status WHEN 'returned' THEN '02' WHEN 'accepted' THEN '03' END, r.acknowledged_at,
                (SELECT a.name FROM app_user a WHERE a.id = r.acknowledged_by)),
             ('04', r.forwarded_at, NULL),
             ('05', (SELECT min(p.submitted_at) FROM report p WHERE p.directive_id = r.directive_id AND p.unit_id = r.unit_id), NULL),
             ('06', CASE WHEN r.final_status = 'completed' THEN r.closed_at END, NULL),
             ('13', CASE WHEN r.recall_status IS NOT NULL THEN r.closed_at END, NULL),
             (CASE r.recall_status WHEN 'accepted' THEN '15' WHEN 'refused' THEN '16' END,
                (SELECT max(e.at) FROM directive_event e WHERE e.directive_id = r.directive_id
                    AND e.action IN ('recall.accepted', 'recall.refused') AND e.data->>'unitId' = r.unit_id::text), NULL)
           ) AS x(code, at, staff)
          WHERE r.directive_id = $1 AND ($2::uuid IS NULL OR r.unit_id = $2) AND x.code IS NOT NULL AND x.at IS NOT NULL
          ORDER BY x.at, u.code, x.code
          LIMIT $3`,
      [id, unitId ?? null, limit],
    );
    const date = DirectiveEdxmlService.day(d.signed_at!);
    return {
      directiveId: id,
      code: d.symbol,
      items: rows.map((r) => ({
        unitCode: r.code,
        unitName: r.name,
        statusCode: r.status_code,
        description: EDXML_STATUS[r.status_code],
        at: r.at.toISOString(),
        xml: buildEdxmlStatus({
          responseFor: {
            organId: d.issuer_code,
            code: d.symbol!,
            promulgationDate: date,
            documentId: `${d.issuer_code},${date.replace(/-/g, '/')},${d.symbol}`,
          },
          from: { organId: r.code, organName: r.name },
          statusCode: r.status_code,
          description: EDXML_STATUS[r.status_code],
          timestamp: r.at.toISOString(),
          staff: r.staff ? { department: null, name: r.staff } : null,
        }),
      })),
    };
  }
}
