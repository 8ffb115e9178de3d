import type { DirectiveContent } from '@cascade/contracts';
import {
  documentFileName,
  officialDocumentOf,
  signingLines,
  vietnameseDate,
  type DocumentRecord,
} from './official-document';

const content: DirectiveContent = {
  place: 'Hà Nội',
  subject: 'triển khai Giải Búa liềm vàng',
  tasks: ['Quán triệt Kế hoạch.', '  Báo cáo\tkết quả về LĐLĐ huyện. '],
  addressees: { mode: 'units', unitIds: ['a', 'b'] },
  copyRecipients: [
    { name: 'Ban TG-NC LĐLĐ tỉnh', role: 'report' },
    { name: 'Website LĐLĐ huyện', role: 'info' },
    { name: 'VP', role: 'filed' },
  ],
  implements: [{ code: '812/LĐLĐ', date: '2020-04-23', issuerName: 'Ban Thường vụ LĐLĐ tỉnh Tây Ninh' }],
};

const union: DocumentRecord['issuerChain'] = [
  { name: 'Liên đoàn Lao động tỉnh Tây Ninh', symbol: 'LĐLĐT', kind: 'federation' },
  { name: 'Liên đoàn Lao động huyện Châu Thành', symbol: 'LĐLĐ', kind: 'federation' },
];

const signed: DocumentRecord = {
  type: 'CV',
  content,
  symbol: '72/LĐLĐ',
  signedAt: '2026-03-04T18:30:00Z', // 01:30 on 5 March in Việt Nam
  signer: { authority: 'KT. Chủ tịch', position: 'Phó Chủ tịch', name: 'Thái Thị Bích Thủy' },
  issuerChain: union,
  addresseeNames: ['CĐCS Trường THCS A', 'CĐCS Trường THCS B'],
};

describe('officialDocumentOf', () => {
  it('words a signed công văn as Decree 30 prints it', () => {
    const doc = officialDocumentOf(signed);
    expect(doc).toMatchObject({
      party: false,
      parentBody: 'LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH',
      issuingBody: 'LIÊN ĐOÀN LAO ĐỘNG HUYỆN CHÂU THÀNH',
      numberLine: 'Số: 72/LĐLĐ',
      placeDateLine: 'Hà Nội, ngày 05 tháng 3 năm 2026',
      typeName: null,
      subject: 'V/v triển khai Giải Búa liềm vàng',
      addressees: ['CĐCS Trường THCS A', 'CĐCS Trường THCS B'],
      tasks: ['Quán triệt Kế hoạch.', 'Báo cáo kết quả về LĐLĐ huyện.'],
      closing: 'Đề nghị các đơn vị triển khai thực hiện./.',
      signer: { lines: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Thái Thị Bích Thủy' },
      recipients: ['- Như trên;', '- Ban TG-NC LĐLĐ tỉnh (b/c);', '- Website LĐLĐ huyện;', '- Lưu: VT, VP.'],
    });
    expect(doc.basis[0]).toMatch(
      /^Thực hiện văn bản số 812\/LĐLĐ, ngày 23\/4\/2020 của Ban Thường vụ LĐLĐ tỉnh Tây Ninh,/,
    );
    expect(doc.attachments).toBeUndefined();
  });

  it('gives the other types their name in capitals and names the addressees in "Nơi nhận"', () => {
    const doc = officialDocumentOf({
      ...signed,
      type: 'KH',
      symbol: '136/KH-LĐLĐ',
      content: { ...content, body: 'Căn cứ A.\n\nBan Thường vụ ban hành kế hoạch:' },
    });
    expect(doc.typeName).toBe('KẾ HOẠCH');
    expect(doc.subject).toBe('triển khai Giải Búa liềm vàng');
    expect(doc.addressees).toEqual([]);
    expect(doc.basis).toEqual(['Căn cứ A.', 'Ban Thường vụ ban hành kế hoạch:']);
    expect(doc.recipients.slice(0, 2)).toEqual(['- CĐCS Trường THCS A;', '- CĐCS Trường THCS B;']);
  });

  it("leaves a draft's number and date blank but for its year", () => {
    const doc = officialDocumentOf({
      ...signed,
      type: 'KH',
      symbol: null,
      signedAt: null,
      signer: null,
      now: new Date('2026-12-31T18:00:00Z'),
    });
    expect(doc.numberLine).toBe('Số:      /KH-LĐLĐ');
    expect(doc.placeDateLine).toBe('Hà Nội, ngày      tháng      năm 2027');
    expect(doc.signer).toEqual({ lines: [], name: null });
  });

  it('lays out a Party body (and its departments) per Guide 36-HD/VPTW', () => {
    const chain: DocumentRecord['issuerChain'] = [
      { name: 'Đảng bộ tỉnh Thanh Hóa', symbol: 'TU', kind: 'party_committee' },
      { name: 'Đảng ủy Khối cơ quan và doanh nghiệp tỉnh', symbol: 'ĐUK', kind: 'party_committee' },
      { name: 'Ban Tuyên giáo', symbol: 'BTG', kind: 'department' },
    ];
    const doc = officialDocumentOf({ ...signed, symbol: null, issuerChain: chain });
    expect(doc.party).toBe(true);
    expect(doc.parentBody).toBe('ĐẢNG ỦY KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH');
    expect(doc.numberLine).toBe('Số      -CV/BTG');
    const union = officialDocumentOf({
      ...signed,
      issuerChain: [signed.issuerChain[0], { name: 'Ban Tuyên giáo', symbol: 'BTG', kind: 'department' }],
    });
    expect(union.party).toBe(false);
  });

  it('lists attachments when the record has them', () => {
    const doc = officialDocumentOf({
      ...signed,
      content: {
        ...content,
        attachments: [{ name: 'Kế hoạch.pdf', mediaType: 'application/pdf', size: 1, sha256: '0' }],
      },
    });
    expect(doc.attachments).toEqual([{ name: 'Kế hoạch.pdf' }]);
  });
});

it('writes dates as appendix I does', () => {
  expect(vietnameseDate('2026-02-08T00:00:00+07:00')).toBe('ngày 08 tháng 02 năm 2026');
  expect(vietnameseDate('2019-11-18T00:00:00+07:00')).toBe('ngày 18 tháng 11 năm 2019');
});

it("splits the signing block into the decree's lines", () => {
  expect(signingLines('TM. Ban Thường vụ', 'Phó Chủ tịch')).toEqual(['TM. BAN THƯỜNG VỤ', 'PHÓ CHỦ TỊCH']);
  expect(signingLines(null, 'Chủ tịch')).toEqual(['CHỦ TỊCH']);
  expect(signingLines(' ', '')).toEqual([]);
});

it('names files safely', () => {
  expect(documentFileName('136/KH-LĐLĐ', 'x', 'pdf')).toBe('136-KH-LĐLĐ.pdf');
  expect(documentFileName(null, 'ab-12', 'docx')).toBe('du-thao-ab-12.docx');
  expect(documentFileName('1/"a";b', 'x', 'pdf')).toBe('1-ab.pdf');
});
