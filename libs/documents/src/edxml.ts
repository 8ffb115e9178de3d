/**
 * edXML (QCVN 102:2016/BTTTT, amended by Thông tư 01/2022/TT-BTTTT): the messages that e-office systems exchange
 * over the national document axis (trục liên thông văn bản quốc gia), in the shape the Government Office's SDK and
 * the integrators' code built on it write and parse (see README "edXML intake and export" for the sources):
 *
 *   <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
 *     <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
 *       <edXML:edXMLHeader>
 *         <edXML:MessageHeader> 1.1 From … 1.14 DocumentId </edXML:MessageHeader>
 *         <edXML:TraceHeaderList> TraceHeader (OrganId, Timestamp)…, Bussiness </edXML:TraceHeaderList>
 *       </edXML:edXMLHeader>
 *       <edXML:edXMLBody><edXML:edXMLManifest version="1.0"> Reference (xlink:href="cid:…")… </edXML:edXMLManifest>
 *     </edXML:edXMLEnvelope>
 *     <AttachmentEncoded> Attachment (ContentType, ContentId, Description, ContentTransferEncoded, AttachmentName)…
 *   </edXML>
 *
 * A status message answers one document: its MessageHeader holds From, ResponseFor, StaffInfo, StatusCode,
 * Description and Timestamp (the SDK's MessageStatus, in that order), and it has no body. The standard's spellings
 * are kept (`Bussiness`, `TyperNotation`); dates are yyyy/MM/dd and timestamps yyyy/MM/dd HH:mm:ss, Việt Nam time.
 *
 * Built and read with fast-xml-parser. Reading refuses a DOCTYPE (so no entity can be declared, expanded or fetched
 * from outside) and malformed XML, and names the element of anything missing or invalid (DocumentInputError whose
 * field is the element's path).
 */
import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { canonicalAuthority } from '@cascade/domain';
import { DocumentInputError } from './errors';

const canonicalCompetence = (c: string | null): string | null => (c ? (canonicalAuthority(c) ?? c) : c);

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const VN = 'Asia/Ho_Chi_Minh';

/**
 * The status codes (QCVN 102:2016 as amended by Thông tư 01/2022/TT-BTTTT; the SDK's integrators map them so): 01 the
 * document arrived, 02 refused (returned: invalid or wrongly addressed), 03 accepted and registered, 04 assigned by a
 * leader, 05 in progress, 06 completed, 13 the sender asks for it back (recall), 15 recall or update agreed, 16
 * recall or update refused.
 */
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

/** A file carried with a message (AttachmentEncoded), its bytes decoded. */
export interface EdxmlAttachment {
  name: string;
  contentType: string;
  bytes: Buffer;
  description?: string | null;
}

export interface EdxmlDocument {
  from: EdxmlOrgan;
  to: EdxmlOrgan[];
  /** Sender's organ id, promulgation date and code: "000.00.00.H53,2019/11/08,136/KH-LĐLĐ". */
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
  /** The files sent with it (the signed PDF, the attachments); none when absent. */
  attachments?: EdxmlAttachment[];
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

/** A content id stable for the same bytes (so that one directive exports the same message twice). */
const contentId = (a: EdxmlAttachment, i: number) => {
  const h = createHash('sha256').update(a.bytes).update(`\0${i}\0${a.name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

function message(
  header: Record<string, unknown>,
  body: Record<string, unknown> | null,
  attachments: Record<string, unknown>[],
): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    edXML: {
      '@_xmlns': EDXML_NS,
      'edXML:edXMLEnvelope': {
        '@_xmlns:edXML': EDXML_NS,
        'edXML:edXMLHeader': header,
        ...(body ? { 'edXML:edXMLBody': body } : {}),
      },
      ...(attachments.length ? { AttachmentEncoded: { Attachment: attachments } } : {}),
    },
  });
}

export function buildEdxmlDocument(d: EdxmlDocument): string {
  const files = (d.attachments ?? []).map((a, i) => ({ ...a, id: contentId(a, i) }));
  return message(
    {
      // the standard's order, 1.1 to 1.14
      'edXML:MessageHeader': {
        'edXML:From': organ(d.from),
        'edXML:To': d.to.map(organ),
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
          'edXML:Appendixes': { 'edXML:Appendix': files.map((f) => f.name) },
        },
        'edXML:SteeringType': String(d.steeringType),
        'edXML:DocumentId': d.documentId,
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
    {
      'edXML:edXMLManifest': {
        '@_version': '1.0',
        'edXML:Reference': files.map((f) => ({
          '@_xmlns:xlink': XLINK_NS,
          '@_xlink:href': `cid:${f.id}`,
          '@_xlink:role': 'XLinkRole',
          '@_xlink:type': 'simple',
          'edXML:Description': f.description ?? f.name,
          'edXML:AttachmentName': f.name,
          'edXML:ContentType': f.contentType,
          'edXML:ContentId': `cid:${f.id}`,
        })),
      },
    },
    files.map((f) => ({
      ContentType: f.contentType,
      ContentId: f.id,
      Description: f.description ?? f.name,
      ContentTransferEncoded: f.bytes.toString('base64'),
      AttachmentName: f.name,
    })),
  );
}

export function buildEdxmlStatus(s: EdxmlStatus): string {
  return message(
    {
      'edXML:MessageHeader': {
        'edXML:From': organ(s.from),
        'edXML:ResponseFor': {
          'edXML:OrganId': s.responseFor.organId,
          'edXML:Code': s.responseFor.code,
          'edXML:PromulgationDate': edxmlDate(s.responseFor.promulgationDate),
          'edXML:DocumentId': s.responseFor.documentId,
        },
        'edXML:StaffInfo': {
          'edXML:Department': s.staff?.department ?? '',
          'edXML:Staff': s.staff?.name ?? '',
        },
        'edXML:StatusCode': s.statusCode,
        'edXML:Description': s.description,
        'edXML:Timestamp': edxmlTimestamp(s.timestamp),
      },
    },
    null,
    [],
  );
}

// --- reading ----------------------------------------------------------------------------------------------------------

const ARRAYS = new Set(['To', 'TraceHeader', 'Reference', 'Attachment', 'Appendix']);
const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: true,
  processEntities: true,
  isArray: (name, jpath) =>
    ARRAYS.has(name) ||
    String(jpath).endsWith('ToPlaces.Place') ||
    String(jpath).endsWith('MessageHeader.ResponseFor'),
});

type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const str = (v: unknown): string | null => {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  return null;
};
const missing = (path: string) =>
  new DocumentInputError('EDXML_ELEMENT_MISSING', `${path}: missing or empty`, path);
const invalid = (path: string, why: string) =>
  new DocumentInputError('EDXML_ELEMENT_INVALID', `${path}: ${why}`, path);
const required = (v: unknown, path: string): string => {
  const s = str(v);
  if (!s) throw missing(path);
  return s;
};

/** yyyy/mm/dd, yyyy-mm-dd or dd/mm/yyyy (with a time after it or not) → yyyy-mm-dd (null when absent). */
function readDate(v: unknown, path: string, isRequired: boolean): string | null {
  const s = str(v);
  if (!s) {
    if (isRequired) throw missing(path);
    return null;
  }
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})/.exec(s) ?? null;
  const r = m ? null : /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})/.exec(s);
  const ymd = m ? [m[1], m[2], m[3]] : r ? [r[3], r[2], r[1]] : null;
  const dt = ymd ? DateTime.fromObject({ year: +ymd[0], month: +ymd[1], day: +ymd[2] }) : null;
  if (!dt?.isValid) throw invalid(path, `"${s}" is not a date`);
  return dt.toISODate();
}

const TIMESTAMP_FORMATS = ['yyyy/MM/dd HH:mm:ss', 'dd/MM/yyyy HH:mm:ss', 'yyyy/MM/dd HH:mm', 'yyyy/MM/dd'];

/** A timestamp in Việt Nam time (the SDK's yyyy/MM/dd HH:mm:ss; some systems write dd/MM/yyyy) or ISO → ISO UTC. */
function readTimestamp(v: unknown, path: string, isRequired: boolean): string | null {
  const s = str(v);
  if (!s) {
    if (isRequired) throw missing(path);
    return null;
  }
  for (const f of TIMESTAMP_FORMATS) {
    const dt = DateTime.fromFormat(s, f, { zone: VN });
    if (dt.isValid) return dt.toUTC().toISO();
  }
  const iso = DateTime.fromISO(s, { zone: VN });
  if (iso.isValid) return iso.toUTC().toISO();
  throw invalid(path, `"${s}" is not a timestamp (yyyy/MM/dd HH:mm:ss)`);
}

const readOrgan = (v: unknown, path: string, needsId: boolean): EdxmlOrgan => {
  const o = obj(v);
  const organId = needsId ? required(o.OrganId, `${path}/OrganId`) : (str(o.OrganId) ?? '');
  return {
    organId,
    organName: str(o.OrganName) ?? str(o.OrganizationInCharge) ?? '',
    organizationInCharge: str(o.OrganizationInCharge),
    email: str(o.Email),
    telephone: str(o.Telephone),
    website: str(o.Website),
  };
};

/** The largest edXML message read (its attachments inline, base64). */
export const MAX_EDXML_CHARS = 30 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function readAttachments(root: Node, env: Node): EdxmlAttachment[] {
  // beside the envelope (the SDK); a few systems put it inside
  const encoded = obj(root.AttachmentEncoded ?? env.AttachmentEncoded);
  const refs = list(obj(obj(env.edXMLBody).edXMLManifest).Reference).map(obj);
  return list(encoded.Attachment).map((raw, i) => {
    const a = obj(raw);
    const at = `AttachmentEncoded/Attachment[${i + 1}]`;
    const data = str(a.ContentTransferEncoded) ?? '';
    if (!data) throw missing(`${at}/ContentTransferEncoded`);
    if (!BASE64.test(data)) throw invalid(`${at}/ContentTransferEncoded`, 'not base64');
    const id = (str(a.ContentId) ?? '').replace(/^cid:/, '');
    const ref = refs.find((r) => (str(r.ContentId) ?? '').replace(/^cid:/, '') === id) ?? {};
    return {
      name: str(a.AttachmentName) ?? str(ref.AttachmentName) ?? `attachment-${i + 1}`,
      contentType: str(a.ContentType) ?? str(ref.ContentType) ?? 'application/octet-stream',
      bytes: Buffer.from(data.replace(/\s+/g, ''), 'base64'),
      description: str(a.Description) ?? str(ref.Description),
    };
  });
}

/** Reads an edXML document or status message; refuses DOCTYPEs (entities) and malformed XML. */
export function readEdxml(xml: string, field = 'file'): EdxmlMessage {
  if (xml.length > MAX_EDXML_CHARS)
    throw new DocumentInputError('TOO_LARGE', `${field}: an edXML message over 30 MB`, field);
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
  const parsed = obj(parser.parse(xml));
  // the root <edXML> around the envelope (the SDK), or the envelope alone (older exports)
  const root = obj(parsed.edXML);
  const env = obj(root.edXMLEnvelope ?? parsed.edXMLEnvelope);
  if (!env.edXMLHeader)
    throw new DocumentInputError(
      'NOT_EDXML',
      `${field}: not an edXML message (no edXML/edXMLEnvelope/edXMLHeader)`,
      field,
    );
  const header = obj(env.edXMLHeader);
  const m = obj(header.MessageHeader);
  // A status: its MessageHeader carries a StatusCode (the SDK), or a Status element takes its place (SOAP-era systems).
  if (header.Status) return { kind: 'status', status: readStatus(obj(header.Status), 'Status') };
  if (m.StatusCode !== undefined) return { kind: 'status', status: readStatus(m, 'MessageHeader') };
  if (!header.MessageHeader) throw missing('edXMLHeader/MessageHeader');
  return { kind: 'document', document: readDocument(m, obj(header.TraceHeaderList), root, env) };
}

function readDocument(m: Node, trace: Node, root: Node, env: Node): EdxmlDocument {
  const code = obj(m.Code);
  const prom = obj(m.PromulgationInfo);
  const type = obj(m.DocumentType);
  const signer = obj(m.SignerInfo);
  const business = obj(trace.Bussiness ?? trace.Business);
  const from = readOrgan(m.From, 'MessageHeader/From', true);
  const subject = required(m.Subject, 'MessageHeader/Subject');
  const number = required(code.CodeNumber, 'MessageHeader/Code/CodeNumber');
  const date = readDate(
    prom.PromulgationDate ?? prom.Date,
    'MessageHeader/PromulgationInfo/PromulgationDate',
    true,
  )!;
  const businessType = Number(str(business.BussinessDocType ?? business.BusinessDocType) ?? 0);
  if (![0, 1, 2, 3].includes(businessType))
    throw invalid('TraceHeaderList/Bussiness/BussinessDocType', `"${businessType}" is not 0, 1, 2 or 3`);
  const notation = str(code.CodeNotation) ?? '';
  return {
    from,
    to: list(m.To).map((t, i) => readOrgan(t, `MessageHeader/To[${i + 1}]`, true)),
    documentId: str(m.DocumentId) ?? `${from.organId},${edxmlDate(date)},${number}/${notation}`,
    code: { number, notation },
    promulgation: { place: str(prom.Place), date },
    documentType: { type: str(type.Type) ?? '', name: str(type.TypeName) ?? '' },
    subject,
    content: str(m.Content),
    signer: {
      // As the sender printed it ("T/M BAN THƯỜNG VỤ"), kept in its canonical form ("TM. BAN THƯỜNG VỤ").
      competence: canonicalCompetence(str(signer.Competence)),
      position: str(signer.Position),
      fullName: str(signer.FullName),
    },
    dueDate: readDate(m.DueDate, 'MessageHeader/DueDate', false),
    toPlaces: list(obj(m.ToPlaces).Place)
      .map(str)
      .filter((x): x is string => !!x),
    priority: Number(str(obj(m.OtherInfo).Priority) ?? 0) || 0,
    steeringType: Number(str(m.SteeringType) ?? 0) || 0,
    businessDocType: businessType as 0 | 1 | 2 | 3,
    businessDocReason: str(business.BussinessDocReason ?? business.BusinessDocReason),
    trace: list(trace.TraceHeader).map((t, i) => ({
      organId: str(obj(t).OrganId) ?? '',
      timestamp:
        readTimestamp(obj(t).Timestamp, `TraceHeaderList/TraceHeader[${i + 1}]/Timestamp`, false) ??
        new Date(0).toISOString(),
    })),
    attachments: readAttachments(root, env),
  };
}

function readStatus(s: Node, at: string): EdxmlStatus {
  const code = required(s.StatusCode, `${at}/StatusCode`);
  if (!(EDXML_STATUS_CODES as string[]).includes(code))
    throw invalid(`${at}/StatusCode`, `"${code}" is not an edXML status (01–06, 13, 15, 16)`);
  const responses = list(s.ResponseFor);
  if (!responses.length) throw missing(`${at}/ResponseFor`);
  const r = obj(responses[0]);
  const rAt = `${at}/ResponseFor`;
  const staff = obj(s.StaffInfo);
  return {
    responseFor: {
      organId: required(r.OrganId, `${rAt}/OrganId`),
      code: str(r.Code) ?? '',
      promulgationDate: readDate(r.PromulgationDate, `${rAt}/PromulgationDate`, false) ?? '',
      documentId: required(r.DocumentId, `${rAt}/DocumentId`),
    },
    from: readOrgan(s.From, `${at}/From`, true),
    statusCode: code as EdxmlStatusCode,
    description: str(s.Description) ?? EDXML_STATUS[code as EdxmlStatusCode],
    timestamp: readTimestamp(s.Timestamp, `${at}/Timestamp`, true)!,
    staff: s.StaffInfo ? { department: str(staff.Department), name: str(staff.Staff) } : null,
  };
}
