/**
 * edXML (QCVN 102:2016/BTTTT, amended by Thông tư 01/2022/TT-BTTTT): the messages that e-office systems exchange
 * over the national document axis. A document message carries From, To, Code (CodeNumber, CodeNotation),
 * PromulgationInfo, DocumentType, Subject, Content, SignerInfo, DueDate, ToPlaces, OtherInfo, SteeringType and a
 * TraceHeaderList with the business type (0 new, 1 revoke, 2 update, 3 replace); a status message answers one
 * document with a status code (01 arrived … 06 completed, 13 recall requested, 15/16 recall accepted/refused).
 *
 * Built and read with fast-xml-parser. Reading refuses a DOCTYPE (so no entity can be declared, expanded or fetched
 * from outside) and malformed XML, with a DocumentInputError that says where.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { canonicalAuthority } from '@cascade/domain';
import { DocumentInputError } from './errors';

const canonicalCompetence = (c: string | null): string | null => (c ? (canonicalAuthority(c) ?? c) : c);

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const VN = 'Asia/Ho_Chi_Minh';

export const EDXML_STATUS = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Phân công',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  '13': 'Lấy lại',
  '15': 'Đồng ý lấy lại, cập nhật',
  '16': 'Từ chối lấy lại, cập nhật',
} as const;
export type EdxmlStatusCode = keyof typeof EDXML_STATUS;
export const EDXML_STATUS_CODES = Object.keys(EDXML_STATUS) as EdxmlStatusCode[];

export interface EdxmlOrgan {
  organId: string;
  organName: string;
  organizationInCharge?: string | null;
  email?: string | null;
  telephone?: string | null;
  website?: string | null;
}

export interface EdxmlDocument {
  from: EdxmlOrgan;
  to: EdxmlOrgan[];
  /** Sender's organ id, promulgation date and code: "H53.01,2019/11/08,136/KH-LĐLĐ". */
  documentId: string;
  code: { number: string; notation: string };
  promulgation: { place: string | null; date: string };
  documentType: { type: string; name: string };
  subject: string;
  content: string | null;
  signer: { competence: string | null; position: string | null; fullName: string | null };
  /** yyyy-mm-dd */
  dueDate: string | null;
  toPlaces: string[];
  priority: number;
  /** 0 an ordinary document, 1 a directing document that requires action and reports. */
  steeringType: number;
  /** 0 new, 1 revoke, 2 update, 3 replace */
  businessDocType: 0 | 1 | 2 | 3;
  businessDocReason: string | null;
  trace: { organId: string; timestamp: string }[];
}

export interface EdxmlStatus {
  responseFor: { organId: string; code: string; promulgationDate: string; documentId: string };
  from: EdxmlOrgan;
  statusCode: EdxmlStatusCode;
  description: string;
  /** ISO instant */
  timestamp: string;
  staff: { department: string | null; name: string | null } | null;
}

export type EdxmlMessage =
  { kind: 'document'; document: EdxmlDocument } | { kind: 'status'; status: EdxmlStatus };

// --- writing ----------------------------------------------------------------------------------------------------------

const edxmlDate = (iso: string) => iso.replace(/-/g, '/');
const edxmlTimestamp = (iso: string) =>
  DateTime.fromISO(iso, { zone: 'utc' }).setZone(VN).toFormat('yyyy/MM/dd HH:mm:ss');

const organ = (o: EdxmlOrgan) => ({
  'edXML:OrganId': o.organId,
  'edXML:OrganizationInCharge': o.organizationInCharge ?? o.organName,
  'edXML:OrganName': o.organName,
  'edXML:OrganAdd': '',
  'edXML:Email': o.email ?? '',
  'edXML:Telephone': o.telephone ?? '',
  'edXML:Fax': '',
  'edXML:Website': o.website ?? '',
});

const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: false });

const envelope = (header: Record<string, unknown>, body: Record<string, unknown> = {}) =>
  builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'edXML:edXMLEnvelope': {
      '@_xmlns:edXML': EDXML_NS,
      'edXML:edXMLHeader': header,
      'edXML:edXMLBody': body,
    },
  });

export function buildEdxmlDocument(d: EdxmlDocument): string {
  return envelope(
    {
      'edXML:MessageHeader': {
        'edXML:From': organ(d.from),
        'edXML:To': d.to.map(organ),
        'edXML:DocumentId': d.documentId,
        'edXML:Code': { 'edXML:CodeNumber': d.code.number, 'edXML:CodeNotation': d.code.notation },
        'edXML:PromulgationInfo': {
          'edXML:Place': d.promulgation.place ?? '',
          'edXML:PromulgationDate': edxmlDate(d.promulgation.date),
        },
        'edXML:DocumentType': { 'edXML:Type': d.documentType.type, 'edXML:TypeName': d.documentType.name },
        'edXML:Subject': d.subject,
        'edXML:Content': d.content ?? '',
        'edXML:SignerInfo': {
          'edXML:Competence': d.signer.competence ?? '',
          'edXML:Position': d.signer.position ?? '',
          'edXML:FullName': d.signer.fullName ?? '',
        },
        'edXML:DueDate': d.dueDate ? edxmlDate(d.dueDate) : '',
        'edXML:ToPlaces': { 'edXML:Place': d.toPlaces },
        'edXML:OtherInfo': {
          'edXML:Priority': String(d.priority),
          'edXML:SphereOfPromulgation': '',
          'edXML:TyperNotation': '',
          'edXML:PromulgationAmount': String(d.to.length),
          'edXML:PageAmount': '1',
        },
        'edXML:SteeringType': String(d.steeringType),
      },
      'edXML:TraceHeaderList': {
        'edXML:TraceHeader': d.trace.map((t) => ({
          'edXML:OrganId': t.organId,
          'edXML:Timestamp': edxmlTimestamp(t.timestamp),
        })),
        'edXML:Bussiness': {
          'edXML:BussinessDocType': String(d.businessDocType),
          'edXML:BussinessDocReason': d.businessDocReason ?? '',
          'edXML:Paper': '0',
        },
      },
    },
    { 'edXML:Manifest': '' },
  );
}

export function buildEdxmlStatus(s: EdxmlStatus): string {
  return envelope({
    'edXML:Status': {
      'edXML:ResponseFor': {
        'edXML:OrganId': s.responseFor.organId,
        'edXML:Code': s.responseFor.code,
        'edXML:PromulgationDate': edxmlDate(s.responseFor.promulgationDate),
        'edXML:DocumentId': s.responseFor.documentId,
      },
      'edXML:From': organ(s.from),
      'edXML:StatusCode': s.statusCode,
      'edXML:Description': s.description,
      'edXML:Timestamp': edxmlTimestamp(s.timestamp),
      'edXML:StaffInfo': {
        'edXML:Department': s.staff?.department ?? '',
        'edXML:Staff': s.staff?.name ?? '',
      },
    },
  });
}

// --- reading ----------------------------------------------------------------------------------------------------------

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: true,
  processEntities: true,
  isArray: (name, jpath) =>
    name === 'To' || name === 'TraceHeader' || String(jpath).endsWith('ToPlaces.Place'),
});

type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});
const str = (v: unknown): string | null => {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  return null;
};

/** yyyy/mm/dd, yyyy-mm-dd or dd/mm/yyyy → yyyy-mm-dd (null when it is not a day). */
function readDate(v: unknown, field: string, required: boolean): string | null {
  const s = str(v);
  if (!s) {
    if (required) throw new DocumentInputError('NOT_EDXML', `${field}: missing`, field);
    return null;
  }
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})/.exec(s) ?? null;
  const r = m ? null : /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})/.exec(s);
  const ymd = m ? [m[1], m[2], m[3]] : r ? [r[3], r[2], r[1]] : null;
  const dt = ymd ? DateTime.fromObject({ year: +ymd[0], month: +ymd[1], day: +ymd[2] }) : null;
  if (!dt?.isValid) throw new DocumentInputError('NOT_EDXML', `${field}: "${s}" is not a date`, field);
  return dt.toISODate();
}

function readTimestamp(v: unknown): string {
  const s = str(v);
  if (!s) return new Date(0).toISOString();
  const vn = DateTime.fromFormat(s, 'yyyy/MM/dd HH:mm:ss', { zone: VN });
  const dt = vn.isValid ? vn : DateTime.fromISO(s, { zone: VN });
  return dt.isValid ? dt.toUTC().toISO() : new Date(0).toISOString();
}

const readOrgan = (v: unknown): EdxmlOrgan => {
  const o = obj(v);
  return {
    organId: str(o.OrganId) ?? '',
    organName: str(o.OrganName) ?? str(o.OrganizationInCharge) ?? '',
    organizationInCharge: str(o.OrganizationInCharge),
    email: str(o.Email),
    telephone: str(o.Telephone),
    website: str(o.Website),
  };
};

/** The largest edXML message read (a message carrying attachments inline is sent as a .docx or text instead). */
export const MAX_EDXML_CHARS = 5 * 1024 * 1024;

/** Reads an edXML document or status message; refuses DOCTYPEs (entities) and malformed XML. */
export function readEdxml(xml: string, field = 'file'): EdxmlMessage {
  if (xml.length > MAX_EDXML_CHARS)
    throw new DocumentInputError('TOO_LARGE', `${field}: an edXML message over 5 MB`, field);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new DocumentInputError(
      'XML_DTD_FORBIDDEN',
      `${field}: a DOCTYPE or entity declaration is refused (no entity is expanded or fetched)`,
      field,
    );
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new DocumentInputError(
      'MALFORMED_XML',
      `${field}: malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
      field,
    );
  const root = obj(parser.parse(xml));
  const env = obj(root.edXMLEnvelope ?? obj(root.edXML).edXMLEnvelope);
  const header = obj(env.edXMLHeader);
  if (!env.edXMLHeader)
    throw new DocumentInputError(
      'NOT_EDXML',
      `${field}: not an edXML message (no edXMLEnvelope/edXMLHeader)`,
      field,
    );
  if (header.Status) return { kind: 'status', status: readStatus(obj(header.Status), field) };
  const m = obj(header.MessageHeader);
  if (!header.MessageHeader)
    throw new DocumentInputError(
      'NOT_EDXML',
      `${field}: an edXML header with neither MessageHeader nor Status`,
      field,
    );
  const code = obj(m.Code);
  const prom = obj(m.PromulgationInfo);
  const type = obj(m.DocumentType);
  const signer = obj(m.SignerInfo);
  const trace = obj(header.TraceHeaderList);
  const business = obj(trace.Bussiness ?? trace.Business);
  const subject = str(m.Subject);
  if (!subject)
    throw new DocumentInputError('NOT_EDXML', `${field}: MessageHeader/Subject is missing`, field);
  const businessType = Number(str(business.BussinessDocType ?? business.BusinessDocType) ?? 0);
  const places = obj(m.ToPlaces).Place;
  return {
    kind: 'document',
    document: {
      from: readOrgan(m.From),
      to: (Array.isArray(m.To) ? m.To : []).map(readOrgan),
      documentId: str(m.DocumentId) ?? '',
      code: { number: str(code.CodeNumber) ?? '', notation: str(code.CodeNotation) ?? '' },
      promulgation: {
        place: str(prom.Place),
        date: readDate(prom.PromulgationDate ?? prom.Date, 'PromulgationInfo/PromulgationDate', true)!,
      },
      documentType: { type: str(type.Type) ?? '', name: str(type.TypeName) ?? '' },
      subject,
      content: str(m.Content),
      signer: {
        // As the sender printed it ("T/M BAN THƯỜNG VỤ"), kept in its canonical form ("TM. BAN THƯỜNG VỤ").
        competence: canonicalCompetence(str(signer.Competence)),
        position: str(signer.Position),
        fullName: str(signer.FullName),
      },
      dueDate: readDate(m.DueDate, 'DueDate', false),
      toPlaces: (Array.isArray(places) ? places : []).map(str).filter((x): x is string => !!x),
      priority: Number(str(obj(m.OtherInfo).Priority) ?? 0) || 0,
      steeringType: Number(str(m.SteeringType) ?? 0) || 0,
      businessDocType: ([0, 1, 2, 3] as const).find((t) => t === businessType) ?? 0,
      businessDocReason: str(business.BussinessDocReason ?? business.BusinessDocReason),
      trace: (Array.isArray(trace.TraceHeader) ? trace.TraceHeader : []).map((t) => ({
        organId: str(obj(t).OrganId) ?? '',
        timestamp: readTimestamp(obj(t).Timestamp),
      })),
    },
  };
}

function readStatus(s: Node, field: string): EdxmlStatus {
  const code = str(s.StatusCode) ?? '';
  if (!(EDXML_STATUS_CODES as string[]).includes(code))
    throw new DocumentInputError(
      'NOT_EDXML',
      `${field}: Status/StatusCode "${code}" is not an edXML status`,
      field,
    );
  const r = obj(s.ResponseFor);
  const staff = obj(s.StaffInfo);
  return {
    responseFor: {
      organId: str(r.OrganId) ?? '',
      code: str(r.Code) ?? '',
      promulgationDate: readDate(r.PromulgationDate, 'ResponseFor/PromulgationDate', false) ?? '',
      documentId: str(r.DocumentId) ?? '',
    },
    from: readOrgan(s.From),
    statusCode: code as EdxmlStatusCode,
    description: str(s.Description) ?? EDXML_STATUS[code as EdxmlStatusCode],
    timestamp: readTimestamp(s.Timestamp),
    staff: s.StaffInfo ? { department: str(staff.Department), name: str(staff.Staff) } : null,
  };
}
