/**
 * The edXML reader and writer on messages shaped as the national document axis's SDK and its integrators write them
 * (test/fixtures/edxml/README.md says where each shape comes from).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildEdxmlDocument,
  buildEdxmlStatus,
  DocumentInputError,
  readEdxml,
  type EdxmlDocument,
} from '@cascade/documents';
import { normalizeEdxmlCode } from '@cascade/domain';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'edxml', name), 'utf8');

const refusedAt = (xml: string, code: string, field: string) => {
  try {
    readEdxml(xml);
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentInputError);
    expect(e).toMatchObject({ code, field });
    return;
  }
  throw new Error(`expected ${code} at ${field}`);
};

const doc: EdxmlDocument = {
  from: {
    organId: '000.00.00.H53',
    organName: 'LĐLĐ tỉnh Sơn La',
    organizationInCharge: 'Tổng LĐLĐ Việt Nam',
  },
  to: [
    { organId: '000.00.31.H53', organName: 'LĐLĐ huyện Mộc Châu' },
    { organId: '000.00.32.H53', organName: 'LĐLĐ huyện Yên Châu' },
  ],
  documentId: '000.00.00.H53,2019/11/08,136/KH-LĐLĐ',
  code: { number: '136', notation: 'KH-LĐLĐ' },
  promulgation: { place: 'Sơn La', date: '2019-11-08' },
  documentType: { type: '2', name: 'Kế hoạch' },
  subject: 'Tổ chức Tháng Công nhân',
  content: '1. Tuyên truyền.',
  signer: { competence: 'TM. BAN THƯỜNG VỤ', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn A' },
  dueDate: '2019-12-15',
  toPlaces: ['LĐLĐ huyện Mộc Châu', 'LĐLĐ huyện Yên Châu'],
  priority: 0,
  steeringType: 1,
  businessDocType: 0,
  businessDocReason: null,
  trace: [{ organId: '000.00.00.H53', timestamp: '2019-11-08T08:30:00.000Z' }],
  attachments: [
    { name: 'van-ban.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.7 signed') },
    { name: 'phu-luc.docx', contentType: 'application/octet-stream', bytes: Buffer.from([0, 1, 2, 255]) },
  ],
};

describe('edXML as the axis exchanges it', () => {
  it("reads the SDK's document: the root, the header, the trace, the attachment beside the envelope", () => {
    const read = readEdxml(fixture('sdk-document.edxml'));
    expect(read.kind).toBe('document');
    if (read.kind !== 'document') return;
    const d = read.document;
    expect(d.from).toMatchObject({ organId: '000.00.00.H53', organName: 'Văn phòng UBND tỉnh Sơn La' });
    expect(d.to.map((t) => t.organId)).toEqual(['000.00.31.H53', '000.00.32.H53']);
    expect(d).toMatchObject({
      documentId: '000.00.00.H53,2019/11/08,136/KH-UBND',
      code: { number: '136', notation: 'KH-UBND' },
      promulgation: { place: 'Sơn La', date: '2019-11-08' },
      subject: 'Triển khai Tháng hành động vì an toàn thực phẩm',
      signer: { competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn A' },
      dueDate: '2019-12-15',
      steeringType: 1,
      businessDocType: 0,
      businessDocReason: 'Van ban dien tu moi',
      trace: [{ organId: '000.00.00.H53', timestamp: '2019-11-08T08:30:00.000Z' }],
    });
    expect(d.attachments).toHaveLength(1);
    expect(d.attachments![0]).toMatchObject({ name: 'phu-luc.txt', contentType: 'text/plain' });
    expect(d.attachments![0].bytes.toString('utf8')).toBe('Kế hoạch triển khai (phụ lục)');
  });

  it("reads a gateway's variant: DocumentId after To, Bussiness before TraceHeader, a prefixed attachment", () => {
    const read = readEdxml(fixture('gateway-document.edxml'));
    if (read.kind !== 'document') throw new Error('not a document');
    expect(read.document).toMatchObject({
      documentId: '2f0e6a52-8d0b-4b7e-9a51-3c2d9b7e0a11',
      code: { number: '5120', notation: 'BNV-VP' },
      signer: { competence: null, position: null, fullName: 'Phạm Văn D' },
      trace: [{ organId: '000.00.00.G22', timestamp: '2023-09-25T02:12:00.000Z' }],
    });
    expect(read.document.attachments![0].bytes.toString()).toBe('noi dung');
    expect(read.document.attachments![0].name).toBe('cong-van.txt');
  });

  it('reads status messages: the SDK order, and dd/MM/yyyy dates', () => {
    expect(readEdxml(fixture('sdk-status-03.edxml'))).toEqual({
      kind: 'status',
      status: {
        responseFor: {
          organId: '000.00.00.H53',
          code: '136/KH-UBND',
          promulgationDate: '2019-11-08',
          documentId: '000.00.00.H53,2019/11/08,136/KH-UBND',
        },
        from: expect.objectContaining({ organId: '000.00.31.H53', organName: 'UBND huyện Mộc Châu' }),
        statusCode: '03',
        description: 'Đã tiếp nhận và vào sổ văn bản đến',
        timestamp: '2019-11-08T09:05:10.000Z',
        staff: { department: 'Văn phòng HĐND và UBND huyện', name: 'Trần Thị C' },
      },
    });
    const refusal = readEdxml(fixture('lgsp-status-02.edxml'));
    expect(refusal).toMatchObject({
      kind: 'status',
      status: {
        statusCode: '02',
        description: 'Gửi nhầm đơn vị',
        timestamp: '2019-11-09T01:00:00.000Z',
        responseFor: { promulgationDate: '2019-11-08' },
      },
    });
  });

  it('writes the structure receivers parse: root, namespaces, element order, spellings, attachments', () => {
    const xml = buildEdxmlDocument(doc);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<edXML xmlns="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">/,
    );
    expect(xml).toContain('<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">');
    const order = [
      '<edXML:edXMLHeader>',
      '<edXML:MessageHeader>',
      '<edXML:From>',
      '<edXML:To>',
      '<edXML:Code>',
      '<edXML:PromulgationInfo>',
      '<edXML:DocumentType>',
      '<edXML:Subject>',
      '<edXML:Content>',
      '<edXML:SignerInfo>',
      '<edXML:DueDate>',
      '<edXML:ToPlaces>',
      '<edXML:OtherInfo>',
      '<edXML:TyperNotation>',
      '<edXML:SteeringType>',
      '<edXML:DocumentId>',
      '<edXML:TraceHeaderList>',
      '<edXML:TraceHeader>',
      '<edXML:Bussiness>',
      '<edXML:BussinessDocType>',
      '<edXML:edXMLBody>',
      '<edXML:edXMLManifest version="1.0">',
      '<edXML:Reference xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="cid:',
      '</edXML:edXMLEnvelope>',
      '<AttachmentEncoded>',
      '<Attachment>',
      '<ContentType>application/pdf</ContentType>',
      '<ContentId>',
      '<ContentTransferEncoded>',
      '<AttachmentName>van-ban.pdf</AttachmentName>',
      '</edXML>',
    ];
    const at = order.map((s) => xml.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(xml).not.toContain('Business>');
    expect(xml).toContain(Buffer.from('%PDF-1.7 signed').toString('base64'));
    // the same input, the same message (content ids from the bytes)
    expect(buildEdxmlDocument(doc)).toBe(xml);
  });

  it('reads back what it writes, attachments byte for byte', () => {
    const read = readEdxml(buildEdxmlDocument(doc));
    if (read.kind !== 'document') throw new Error('not a document');
    expect(read.document.attachments!.map((a) => [a.name, a.contentType, a.bytes.toString('hex')])).toEqual(
      doc.attachments!.map((a) => [a.name, a.contentType, a.bytes.toString('hex')]),
    );
    expect(read.document).toMatchObject({
      from: { organId: doc.from.organId },
      documentId: doc.documentId,
      code: doc.code,
      promulgation: doc.promulgation,
      subject: doc.subject,
      signer: doc.signer,
      dueDate: doc.dueDate,
      trace: doc.trace,
    });
  });

  it('writes a status as the SDK does: MessageHeader From, ResponseFor, StaffInfo, StatusCode, Description, Timestamp; no body', () => {
    const xml = buildEdxmlStatus({
      responseFor: {
        organId: '000.00.00.H53',
        code: '136/KH-LĐLĐ',
        promulgationDate: '2019-11-08',
        documentId: 'x',
      },
      from: { organId: '000.00.31.H53', organName: 'LĐLĐ huyện Mộc Châu' },
      statusCode: '05',
      description: 'Đang xử lý',
      timestamp: '2019-11-09T01:00:00.000Z',
      staff: { department: 'Văn phòng', name: 'Trần Thị C' },
    });
    const parts = [
      '<edXML:From>',
      '<edXML:ResponseFor>',
      '<edXML:StaffInfo>',
      '<edXML:StatusCode>05',
      '<edXML:Description>',
      '<edXML:Timestamp>2019/11/09 08:00:00',
    ];
    const at = parts.map((s) => xml.indexOf(s));
    expect(at.every((i) => i > xml.indexOf('<edXML:MessageHeader>'))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(xml).not.toContain('edXMLBody');
    expect(readEdxml(xml)).toMatchObject({
      kind: 'status',
      status: { statusCode: '05', staff: { name: 'Trần Thị C' } },
    });
  });

  it('names the element of a malformed message', () => {
    const status = fixture('sdk-status-03.edxml');
    refusedAt(
      status.replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, ''),
      'EDXML_ELEMENT_MISSING',
      'MessageHeader/ResponseFor/DocumentId',
    );
    refusedAt(status.replace('>03<', '>07<'), 'EDXML_ELEMENT_INVALID', 'MessageHeader/StatusCode');
    refusedAt(
      status.replace('2019/11/08 16:05:10', 'hôm qua'),
      'EDXML_ELEMENT_INVALID',
      'MessageHeader/Timestamp',
    );
    refusedAt(
      status.replace(/<edXML:ResponseFor>[\s\S]*<\/edXML:ResponseFor>/, ''),
      'EDXML_ELEMENT_MISSING',
      'MessageHeader/ResponseFor',
    );
    refusedAt(
      status.replace('<edXML:OrganId>000.00.31.H53</edXML:OrganId>', ''),
      'EDXML_ELEMENT_MISSING',
      'MessageHeader/From/OrganId',
    );
    const document = fixture('sdk-document.edxml');
    refusedAt(
      document.replace(/<edXML:Subject>[^<]*/, '<edXML:Subject>'),
      'EDXML_ELEMENT_MISSING',
      'MessageHeader/Subject',
    );
    refusedAt(
      document.replace('2019/11/08</edXML:PromulgationDate>', '2019/13/08</edXML:PromulgationDate>'),
      'EDXML_ELEMENT_INVALID',
      'MessageHeader/PromulgationInfo/PromulgationDate',
    );
    refusedAt(
      document.replace(/<ContentTransferEncoded>[^<]*/, '<ContentTransferEncoded>%%%'),
      'EDXML_ELEMENT_INVALID',
      'AttachmentEncoded/Attachment[1]/ContentTransferEncoded',
    );
    refusedAt(
      document.replace('<edXML:BussinessDocType>0', '<edXML:BussinessDocType>7'),
      'EDXML_ELEMENT_INVALID',
      'TraceHeaderList/Bussiness/BussinessDocType',
    );
    refusedAt(
      document.replace(/<edXML:MessageHeader>[\s\S]*<\/edXML:MessageHeader>/, ''),
      'EDXML_ELEMENT_MISSING',
      'edXMLHeader/MessageHeader',
    );
  });

  it('validates electronic identification codes (Decision 20/2020/QĐ-TTg)', () => {
    expect(normalizeEdxmlCode(' 000.00.00.a80 ')).toBe('000.00.00.A80');
    expect(normalizeEdxmlCode('000.00.31.H53')).toBe('000.00.31.H53');
    for (const bad of ['H53', '000.00.00.853', '00.00.00.H53', '000.00.00.H5', '000-00-00-H53', ''])
      expect(normalizeEdxmlCode(bad)).toBeNull();
  });
});
