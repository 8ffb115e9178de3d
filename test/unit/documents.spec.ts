import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import JSZip from 'jszip';
import { join } from 'node:path';
import {
  buildEdxmlDocument,
  buildEdxmlStatus,
  DocumentInputError,
  extractText,
  importDocument,
  importView,
  parseDirectiveText,
  readEdxml,
  type EdxmlDocument,
} from '@cascade/documents';
import { makeDocx } from '../fixtures/docx';

/** A .docx of a short letter plus parts of `megabytes` MB of zeros each (a few dozen KB compressed). */
async function docxWithZeros(parts: Record<string, number>): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await makeDocx('Số: 72/LĐLĐ\nKính gửi: A'));
  const chunk = Buffer.alloc(1024 * 1024);
  for (const [name, megabytes] of Object.entries(parts)) {
    let sent = 0;
    zip.file(
      name,
      new Readable({
        read() {
          this.push(sent++ < megabytes ? chunk : null);
        },
      }),
    );
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 } });
}

/** The archive with the declared uncompressed size of each entry over 1 MB rewritten to `size` (in both headers). */
function declaring(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i + 4 <= out.length; i++) {
    const at = { [0x04034b50]: i + 22, [0x02014b50]: i + 24 }[out.readUInt32LE(i)];
    if (at !== undefined && at + 4 <= out.length && out.readUInt32LE(at) > 1024 * 1024)
      out.writeUInt32LE(size, at);
  }
  return out;
}

const thanhHoa = readFileSync(
  join(__dirname, '..', 'fixtures', 'directives', 'thanh-hoa-party-bloc-1023-CV-DUK.txt'),
  'utf8',
);

const refused = async (p: Promise<unknown> | (() => unknown), code: string) => {
  const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
  await expect(run).rejects.toBeInstanceOf(DocumentInputError);
  await expect(run).rejects.toMatchObject({ code });
};

const sample: EdxmlDocument = {
  from: {
    organId: 'DUK-TH',
    organName: 'Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh',
    organizationInCharge: 'Đảng bộ tỉnh Thanh Hóa',
  },
  to: [
    { organId: 'CB-01', organName: 'Chi bộ Sở Tài chính' },
    { organId: 'CB-02', organName: 'Đảng ủy Công ty Điện lực <Thanh Hóa> & Co' },
  ],
  documentId: 'DUK-TH,2023/07/19,1023-CV/ĐUK',
  code: { number: '1023', notation: 'CV/ĐUK' },
  promulgation: { place: 'Thanh Hoá', date: '2023-07-19' },
  documentType: { type: '2', name: 'Công văn' },
  subject: 'V/v đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị',
  content:
    'Kính gửi: Các chi bộ.\n1. Tuyên truyền.\n2. Báo cáo kết quả về Ban Thường vụ Đảng ủy Khối trước ngày 15 hàng tháng.',
  signer: { competence: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ BÍ THƯ', fullName: 'Đỗ Hồng Quang' },
  dueDate: '2023-08-15',
  toPlaces: ['Chi bộ Sở Tài chính', 'Đảng ủy Công ty Điện lực <Thanh Hóa> & Co'],
  priority: 0,
  steeringType: 1,
  businessDocType: 0,
  businessDocReason: null,
  trace: [{ organId: 'DUK-TH', timestamp: '2023-07-19T03:00:00.000Z' }],
};

describe('extractText', () => {
  it('reads UTF-8, UTF-16 with a byte-order mark and .docx', async () => {
    expect(await extractText(Buffer.from('Kính gửi: A'))).toEqual({ format: 'text', text: 'Kính gửi: A' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Số: 72/LĐLĐ', 'utf16le')]);
    expect((await extractText(utf16)).text).toBe('Số: 72/LĐLĐ');
    const docx = await extractText(await makeDocx('Số: 72/LĐLĐ\nKính gửi: A'), { filename: 'cv.docx' });
    expect(docx.format).toBe('docx');
    expect(docx.text).toContain('Số: 72/LĐLĐ');
    expect(docx.text).toContain('Kính gửi: A');
    expect((await extractText(Buffer.from('<?xml version="1.0"?><a/>'))).format).toBe('xml');
  });

  it('refuses empty input, binary data, damaged .docx and unread formats with a stable code', async () => {
    await refused(extractText(Buffer.alloc(0)), 'EMPTY_DOCUMENT');
    await refused(extractText(Buffer.from(' \n\t ')), 'EMPTY_DOCUMENT');
    await refused(
      extractText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe, 0x00])),
      'BINARY_CONTENT',
    );
    await refused(extractText(Buffer.from('Vi\xe9t Nam latin-1', 'latin1')), 'BINARY_CONTENT');
    await refused(extractText(Buffer.from('abc\x00def')), 'BINARY_CONTENT');
    await refused(extractText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5])), 'UNREADABLE_DOCX');
    await refused(extractText(await makeDocx('x'), { filename: 'archive.zip' }), 'UNSUPPORTED_FORMAT');
    await refused(extractText(Buffer.from('%PDF-1.7 text'), { filename: 'cv.pdf' }), 'UNSUPPORTED_FORMAT');
  });

  it('refuses a .docx whose parts inflate past the caps, whatever their headers declare', async () => {
    // mammoth reads word/styles.xml without it being word/document.xml: each part is counted as it inflates
    await refused(extractText(await docxWithZeros({ 'word/styles.xml': 40 })), 'TOO_LARGE');
    // a header declaring 100 bytes for a part of 40 MB changes nothing
    await refused(
      extractText(declaring(await docxWithZeros({ 'word/numbering.xml': 40 }), 100)),
      'TOO_LARGE',
    );
    // parts under the per-part cap that together pass the total
    await refused(
      extractText(
        await docxWithZeros({ 'word/footnotes.xml': 25, 'word/endnotes.xml': 25, 'word/comments.xml': 25 }),
      ),
      'TOO_LARGE',
    );
    // a .docx of a few real parts is still read
    const zip = await JSZip.loadAsync(await makeDocx('Số: 72/LĐLĐ\nKính gửi: A'));
    zip.file('word/media/image1.png', Buffer.alloc(2 * 1024 * 1024, 7));
    const docx = await extractText(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(docx.text).toContain('Kính gửi: A');
    // building the archives takes the time (a shared machine is slow), refusing them does not
  }, 60_000);
});

describe('edXML', () => {
  it('writes a document message with the QCVN 102:2016 parts and reads it back', () => {
    const xml = buildEdxmlDocument(sample);
    for (const part of [
      'From',
      'To',
      'Code',
      'CodeNumber',
      'CodeNotation',
      'PromulgationInfo',
      'DocumentType',
      'Subject',
      'Content',
      'SignerInfo',
      'DueDate',
      'ToPlaces',
      'OtherInfo',
      'SteeringType',
      'TraceHeaderList',
      'BussinessDocType',
    ])
      expect(xml).toContain(`<edXML:${part}>`);
    expect(xml).toContain('<edXML:PromulgationDate>2023/07/19</edXML:PromulgationDate>');
    expect(xml).toContain('&lt;Thanh Hóa&gt; &amp; Co');
    const read = readEdxml(xml);
    expect(read.kind).toBe('document');
    if (read.kind !== 'document') return;
    expect(read.document).toEqual({
      ...sample,
      attachments: [],
      from: { ...sample.from, email: null, telephone: null, website: null },
      to: sample.to.map((o) => ({
        ...o,
        organizationInCharge: o.organName,
        email: null,
        telephone: null,
        website: null,
      })),
    });
  });

  it('writes and reads status messages', () => {
    const xml = buildEdxmlStatus({
      responseFor: {
        organId: 'DUK-TH',
        code: '1023-CV/ĐUK',
        promulgationDate: '2023-07-19',
        documentId: 'x',
      },
      from: { organId: 'CB-01', organName: 'Chi bộ Sở Tài chính' },
      statusCode: '03',
      description: 'Đã tiếp nhận',
      timestamp: '2023-07-19T04:05:06.000Z',
      staff: { department: 'Văn phòng', name: 'Lê Thị Hoa' },
    });
    expect(xml).toContain('<edXML:StatusCode>03</edXML:StatusCode>');
    expect(xml).toContain('<edXML:Timestamp>2023/07/19 11:05:06</edXML:Timestamp>');
    const read = readEdxml(xml);
    expect(read).toMatchObject({
      kind: 'status',
      status: { statusCode: '03', timestamp: '2023-07-19T04:05:06.000Z' },
    });
    expect(() => readEdxml(xml.replace('>03<', '>99<'))).toThrow(/StatusCode: "99"/);
  });

  it("reads a sender's printed authority in its canonical form", () => {
    const xml = buildEdxmlDocument({
      ...sample,
      signer: { ...sample.signer, competence: 'T/M BAN THƯỜNG VỤ' },
    });
    const read = readEdxml(xml);
    expect(read.kind === 'document' && read.document.signer.competence).toBe('TM. BAN THƯỜNG VỤ');
  });

  it('refuses hostile and malformed XML: entity expansion, external entities, bad nesting, other roots', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>`;
    await refused(() => readEdxml(laughs), 'XML_DTD_FORBIDDEN');
    await refused(() => readEdxml(xxe), 'XML_DTD_FORBIDDEN');
    await refused(() => readEdxml('<edXML:edXMLEnvelope><a></b></edXML:edXMLEnvelope>'), 'MALFORMED_XML');
    expect(() => readEdxml('<a>\n<b></a>')).toThrow(/line 2/);
    await refused(() => readEdxml('<html><body>hi</body></html>'), 'NOT_EDXML');
    await refused(() => readEdxml(buildEdxmlDocument({ ...sample, subject: '' })), 'EDXML_ELEMENT_MISSING');
  });
});

describe('importDocument', () => {
  it('reads a .docx as its text: the same parts as the plain text', async () => {
    const fromText = importView(parseDirectiveText(thanhHoa));
    const fromDocx = await importDocument(await makeDocx(thanhHoa), { filename: 'cv.docx' });
    expect(fromDocx.format).toBe('docx');
    const strip = ({ sources, ...v }: typeof fromText) => (sources ? v : v);
    expect(strip(fromDocx.view)).toEqual(strip(fromText));
  });

  it('caps the Content of an edXML message as it caps a text', async () => {
    const long = Buffer.from(buildEdxmlDocument({ ...sample, content: 'Nội dung. '.repeat(110_000) }));
    expect(long.length).toBeLessThan(5 * 1024 * 1024); // under the message limit: only the text cap refuses it
    await refused(importDocument(long, { filename: 'cv.edxml' }), 'TOO_LARGE');
    const fits = Buffer.from(buildEdxmlDocument({ ...sample, content: 'Nội dung. '.repeat(90_000) }));
    expect((await importDocument(fits, { filename: 'cv.edxml' })).format).toBe('edxml');
  });

  it('reads an edXML document: the header from the message, tasks and reporting from its Content', async () => {
    const imported = await importDocument(Buffer.from(buildEdxmlDocument(sample)), { filename: 'cv.edxml' });
    expect(imported.format).toBe('edxml');
    expect(imported.view).toMatchObject({
      code: '1023-CV/ĐUK',
      codeNumber: 1023,
      codeNotation: 'CV/ĐUK',
      documentType: 'Công văn',
      documentTypeCode: 'CV',
      subject: sample.subject,
      place: 'Thanh Hoá',
      issuedDate: '2023-07-19',
      issuerName: 'Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh',
      parentBodyName: 'Đảng bộ tỉnh Thanh Hóa',
      addressees: ['Chi bộ Sở Tài chính', 'Đảng ủy Công ty Điện lực <Thanh Hóa> & Co'],
      tasks: ['Tuyên truyền.', expect.stringMatching(/^Báo cáo kết quả/)],
      reporting: {
        schedule: { kind: 'monthly', rule: 'before', day: 15 },
        targets: ['Ban Thường vụ Đảng ủy Khối'],
      },
      signer: { competence: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ BÍ THƯ', fullName: 'Đỗ Hồng Quang' },
    });
    expect(imported.view.missing).toEqual(['basis', 'contacts', 'recipients']);
    const status = buildEdxmlStatus({
      responseFor: { organId: 'A', code: '1/CV', promulgationDate: '2023-07-19', documentId: 'x' },
      from: { organId: 'B', organName: 'B' },
      statusCode: '01',
      description: 'Đã đến',
      timestamp: '2023-07-19T04:05:06.000Z',
      staff: null,
    });
    await refused(importDocument(Buffer.from(status)), 'NOT_EDXML');
    await refused(importDocument(Buffer.from('Kính gửi: '.padEnd(1_000_001, 'a'))), 'TOO_LARGE');
  });
});
