/**
 * The parser on documents as they are published (test/fixtures/published/, see SOURCES.md there: each text copied as
 * the page shows it), and on the layouts of #18 that those pages do not show, written out below as short texts.
 * Every assertion is what the text says; what it does not say is null, never invented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importView, parseDirectiveText, type ImportView } from '@cascade/documents';

const published = (name: string) =>
  readFileSync(join(__dirname, '..', 'fixtures', 'published', name), 'utf8');
const seed = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'directives', name), 'utf8');
const view = (text: string): ImportView => importView(parseDirectiveText(text));

describe('parseDirectiveText on published documents', () => {
  it('reads a header laid out as a table read line by line (bars between cells, "Số:" and the date broken)', () => {
    expect(view(published('kon-tum-06-2024-QD-UBND.txt'))).toMatchObject({
      code: '06/2024/QĐ-UBND',
      codeNumber: 6,
      documentType: 'Quyết định',
      subject: 'QUY ĐỊNH CHẾ ĐỘ BÁO CÁO ĐỊNH KỲ PHỤC VỤ MỤC TIÊU QUẢN LÝ TRÊN ĐỊA BÀN TỈNH KON TUM',
      place: 'Kon Tum',
      issuedDate: '2024-01-25',
      issuerName: 'ỦY BAN NHÂN DÂN TỈNH KON TUM',
      header: { kind: 'national', text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc' },
      // "QUYẾT ĐỊNH:" is the enacting word, not "Q. UYẾT ĐỊNH"
      signer: null,
    });
  });

  it('reads a table header on two lines, cells side by side between bars', () => {
    expect(view(published('phu-tho-12-2013-QD-UBND.txt'))).toMatchObject({
      code: '12/2013/QĐ-UBND',
      documentType: 'Quyết định',
      subject:
        'VỀ VIỆC BAN HÀNH DANH MỤC THỦ TỤC HÀNH CHÍNH THỰC HIỆN THEO CƠ CHẾ MỘT CỬA THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND CẤP XÃ TRÊN ĐỊA BÀN TỈNH PHÚ THỌ',
      place: 'Phú Thọ',
      issuedDate: '2013-06-28',
      issuerName: 'ỦY BAN NHÂN DÂN',
      header: { kind: 'national', text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      basis: [
        { type: 'Quyết định', code: '93/2007/QĐ-TTg', date: '2007-06-22', issuerName: 'Thủ tướng Chính phủ' },
        { type: 'Nghị định', code: '63/2010/NĐ-CP', date: '2010-06-08', issuerName: 'Chính phủ' },
      ],
      signer: null,
    });
  });

  it('reads a state body\'s công văn: parent ministry, symbol 5452/TCHQ-GSQL, "V/v" under the number', () => {
    expect(view(published('tchq-5452-TCHQ-GSQL-2018.txt'))).toMatchObject({
      code: '5452/TCHQ-GSQL',
      codeNotation: 'TCHQ-GSQL',
      documentType: 'Công văn',
      documentTypeCode: 'CV',
      subject: 'V/v vướng mắc Luật Quản lý ngoại thương và Nghị định số 69/2018/NĐ-CP.',
      place: 'Hà Nội',
      issuedDate: '2018-09-19',
      issuerName: 'TỔNG CỤC HẢI QUAN',
      parentBodyName: 'BỘ TÀI CHÍNH',
      addressees: ['Bộ Công Thương'],
    });
  });

  it('reads the motto broken after its first word, and a subject over two lines', () => {
    const v = view(published('ha-giang-1209-QD-UBND-2013.txt'));
    expect(v).toMatchObject({
      code: '1209/QĐ-UBND',
      issuedDate: '2013-06-24',
      issuerName: 'ỦY BAN NHÂN DÂN TỈNH HÀ GIANG',
      header: { kind: 'national' },
      subject:
        'VỀ VIỆC BAN HÀNH QUY CHẾ HOẠT ĐỘNG CỦA BAN CHỈ ĐẠO CÔNG TÁC DÂN SỐ - KẾ HOẠCH HÓA GIA ĐÌNH TỈNH HÀ GIANG, GIAI ĐOẠN 2013-2015',
    });
    expect(v.recipients.map((r) => r.name)).toEqual([
      'Bộ Y tế',
      'T.Cục DS-KHHGĐ Bộ Y tế',
      'TTr Tỉnh ủy',
      'TTr HĐND tỉnh',
      'Chủ tịch, các PCT UBND tỉnh',
    ]);
  });

  it('reads a Party report that has no number of its own: the number is null, never invented', () => {
    expect(view(published('dukcqtw-bao-cao-tuyen-giao-2020.txt'))).toMatchObject({
      code: null,
      codeNumber: null,
      documentType: 'Báo cáo',
      subject: 'tổng kết công tác tuyên giáo năm 2020; phương hướng, nhiệm vụ trọng tâm năm 2021',
      place: 'Hà Nội',
      issuedDate: '2021-01-08',
      issuerName: 'ĐẢNG ỦY KHỐI CÁC CƠ QUAN TW',
      header: { kind: 'party' },
    });
  });

  it('reads a union decision: a body over two cells, the deciding body after the subject is not the issuer', () => {
    const v = view(published('tld-1454-QD-TLD-2014.txt'));
    expect(v).toMatchObject({
      code: '1454/QĐ-TLĐ',
      documentType: 'Quyết định',
      documentTypeCode: 'QĐ',
      subject: 'VỀ VIỆC BAN HÀNH QUY ĐỊNH VỀ CÔNG TÁC THỐNG KÊ CỦA TỔ CHỨC CÔNG ĐOÀN',
      place: 'Hà Nội',
      issuedDate: '2014-11-28',
      issuerName: 'TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM',
      parentBodyName: null,
      recipients: [],
    });
    expect(v.basis.map((b) => b.code)).toEqual(['40/2004/NĐ-CP', '03/2010/NĐ-CP', '05/NQ-ĐCT']);
    // the page breaks off in the signing block: what is there, as printed
    expect(v.signer).toMatchObject({ competence: 'TM. ĐOÀ', fullName: null });
  });

  it('reads a plan behind a web page\'s metadata, with an upper-case subject that starts "TRIỂN KHAI"', () => {
    expect(view(published('bac-ninh-155-KH-UBND-2017.txt'))).toMatchObject({
      code: '155/KH-UBND',
      documentType: 'Kế hoạch',
      subject:
        'TRIỂN KHAI CHƯƠNG TRÌNH HÀNH ĐỘNG QUỐC GIA VỀ ĐĂNG KÝ VÀ THỐNG KÊ HỘ TỊCH GIAI ĐOẠN 2017 - 2024 TRÊN ĐỊA BÀN TỈNH BẮC NINH',
      place: 'Bắc Ninh',
      issuedDate: '2017-05-26',
      issuerName: 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH',
      basis: [
        { type: 'Nghị định', code: '123/2015/NĐ-CP', date: '2015-11-15', issuerName: 'Chính phủ' },
        { type: 'Quyết định', code: '101/QĐ-TTG', date: '2017-01-23', issuerName: 'Thủ tướng Chính phủ' },
      ],
    });
  });
});

describe('parseDirectiveText: reporting routes, phases and e-mails in the seeds', () => {
  it('reads "(qua Ban Tuyên giáo)" and "Giao Ban Tuyên giáo … tổng hợp, báo cáo A và B"', () => {
    expect(view(seed('thanh-hoa-party-bloc-1023-CV-DUK.txt')).reporting?.routes).toEqual([
      { name: 'Ban Thường vụ Đảng ủy Khối', role: 'to' },
      { name: 'Ban Tuyên giáo', role: 'via' },
      { name: 'Ban Tuyên giáo Đảng ủy Khối', role: 'aggregator' },
      { name: 'Ban Thường vụ Đảng ủy Khối', role: 'aggregate' },
      { name: 'Ban Tuyên giáo Tỉnh ủy', role: 'aggregate' },
    ]);
  });

  it("keeps the e-mail given for a target, and reads the plan's four phases (their windows are events, not dates)", () => {
    const r = view(seed('son-la-union-136-KH-LDLD.txt')).reporting!;
    expect(r.routes).toEqual([
      { name: 'Ban Tuyên giáo – Nữ công Liên đoàn Lao động tỉnh', role: 'to', email: 'bantincdsl@gmail.com' },
    ]);
    expect(r.phases.map((p) => [p.name, p.opens, p.closes])).toEqual([
      ['Đợt 1', null, null],
      ['Đợt 2', null, null],
      ['Đợt 3', null, null],
      ['Đợt 4', null, null],
    ]);
  });
});

describe('parseDirectiveText on the other layouts of #18', () => {
  it('reads a header flattened onto one line: number, dashed date and "V/v" together', () => {
    const v = view(
      [
        'UBND TỈNH SƠN LA',
        'SỞ NỘI VỤ',
        'Số 924/SNV-CCHC Ngày 07-9-2015 V/v báo cáo kết quả cải cách hành chính quý III',
        'Kính gửi: Các phòng, đơn vị thuộc Sở.',
      ].join('\n'),
    );
    expect(v).toMatchObject({
      code: '924/SNV-CCHC',
      issuedDate: '2015-09-07',
      subject: 'V/v báo cáo kết quả cải cách hành chính quý III',
      issuerName: 'SỞ NỘI VỤ',
      parentBodyName: 'UBND TỈNH SƠN LA',
    });
  });

  it.each([
    ['Số 1313 -CV/ĐUK', '1313-CV/ĐUK'],
    ['Số 1313–CV/ĐUK', '1313-CV/ĐUK'],
    ['Số: 454/UBND-NCTH', '454/UBND-NCTH'],
    ['Số: 2455/LĐTBXH-LĐTL', '2455/LĐTBXH-LĐTL'],
    ['Số:15 /2014/QĐ-UBND', '15/2014/QĐ-UBND'],
  ])('reads the number %j as %j', (line, code) => {
    expect(view(`ĐẢNG ỦY KHỐI\n${line}\nHà Nội, ngày 5-4-2007\nV/v báo cáo`).code).toBe(code);
  });

  it('reads the marks above the subject and a stacked, printed-variant authority', () => {
    const v = view(
      [
        'BỘ LAO ĐỘNG - THƯƠNG BINH',
        'VÀ XÃ HỘI',
        'Số: 2455/LĐTBXH-LĐTL',
        'V/v báo cáo tình hình tiền lương năm 2024',
        'HỎA TỐC',
        'Hà Nội, ngày 05/4/2024',
        'Kính gửi: Sở Lao động - Thương binh và Xã hội các tỉnh.',
        '1. Báo cáo hằng năm về Bộ trước ngày 15.',
        'Nơi nhận:',
        '- Như trên;',
        '- Lưu: VT.',
        'T/L BỘ TRƯỞNG',
        'K/T CỤC TRƯỞNG',
        'PHÓ CỤC TRƯỞNG',
        'Nguyễn Văn An',
      ].join('\n'),
    );
    expect(v).toMatchObject({
      code: '2455/LĐTBXH-LĐTL',
      issuedDate: '2024-04-05',
      marks: ['HỎA TỐC'],
      subject: 'V/v báo cáo tình hình tiền lương năm 2024',
      reporting: { schedule: { kind: 'periodic', every: 'year', rule: 'before', day: 15 } },
      signer: {
        competence: 'TL. BỘ TRƯỞNG / KT. CỤC TRƯỞNG',
        position: 'PHÓ CỤC TRƯỞNG',
        fullName: 'Nguyễn Văn An',
      },
    });
  });

  it('reads T/M as TM., and a notice (thông báo) with KHẨN above its subject', () => {
    const v = view(
      [
        'TỈNH ỦY THANH HÓA',
        'ĐẢNG ỦY KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH',
        'Số 45-TB/ĐUK',
        'ĐẢNG CỘNG SẢN VIỆT NAM',
        'Thanh Hóa, ngày 12 tháng 3 năm 2024',
        'KHẨN',
        'THÔNG BÁO',
        'Kết luận của Ban Thường vụ Đảng ủy Khối',
        'Thực hiện Công văn số 812/LĐLĐ, ngày 23/4/2020 của Ban Thường vụ LĐLĐ tỉnh, Ban Thường vụ thông báo:',
        '1. Các chi bộ kịp thời báo cáo về Ban Thường vụ Đảng ủy Khối (qua Văn phòng).',
        'Nơi nhận:',
        '- Lưu VP.',
        'T/M BAN THƯỜNG VỤ',
        'PHÓ BÍ THƯ',
        'Lê Văn Hùng',
      ].join('\n'),
    );
    expect(v).toMatchObject({
      code: '45-TB/ĐUK',
      documentType: 'Thông báo',
      marks: ['KHẨN'],
      subject: 'Kết luận của Ban Thường vụ Đảng ủy Khối',
      basis: [
        { type: 'Công văn', code: '812/LĐLĐ', date: '2020-04-23', issuerName: 'Ban Thường vụ LĐLĐ tỉnh' },
      ],
      reporting: {
        schedule: { kind: 'adhoc' },
        routes: [
          { name: 'Ban Thường vụ Đảng ủy Khối', role: 'to' },
          { name: 'Văn phòng', role: 'via' },
        ],
      },
      signer: { competence: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ BÍ THƯ', fullName: 'Lê Văn Hùng' },
    });
  });

  it('reads phase windows, the last one open ("Sau Đại hội": no end), and each periodic phrase', () => {
    const v = view(
      [
        'Kính gửi: Các công đoàn cơ sở.',
        '1. Tuyên truyền theo các đợt:',
        'Đợt 1: từ ngày 01/3/2025 đến ngày 31/3/2025',
        'Đợt 2: từ ngày 01/4/2025 đến ngày 15/5/2025',
        'Đợt 3: Sau Đại hội, từ ngày 16/5/2025',
        '2. Các đơn vị báo cáo hằng tháng về LĐLĐ huyện.',
      ].join('\n'),
    );
    expect(v.reporting).toMatchObject({
      schedule: { kind: 'periodic', every: 'month' },
      phases: [
        { name: 'Đợt 1', opens: '2025-03-01', closes: '2025-03-31' },
        { name: 'Đợt 2', opens: '2025-04-01', closes: '2025-05-15' },
        { name: 'Đợt 3', opens: '2025-05-16', closes: null },
      ],
    });
    const every = (s: string) => view(`Kính gửi: Các đơn vị.\n1. ${s}`).reporting?.schedule;
    expect(every('Báo cáo hằng tuần về Văn phòng vào thứ Sáu.')).toEqual({
      kind: 'periodic',
      every: 'week',
      rule: 'on',
      day: 5,
    });
    expect(every('Báo cáo hằng quý về Văn phòng.')).toEqual({ kind: 'periodic', every: 'quarter' });
    expect(every('Báo cáo 6 tháng về Văn phòng.')).toEqual({ kind: 'periodic', every: 'half-year' });
    expect(every('Báo cáo năm về Văn phòng.')).toEqual({ kind: 'periodic', every: 'year' });
    // a year named is not a yearly report
    expect(every('Báo cáo năm 2024 về Văn phòng trước ngày 15/12/2024.')).toEqual({
      kind: 'dates',
      dates: ['2024-12-15'],
    });
  });

  it('keeps an e-mail as the target when the text names no unit for it', () => {
    const v = view(
      'Kính gửi: Các đơn vị.\n1. Báo cáo kết quả gửi về địa chỉ email: tonghop@ldld.vn trước ngày 15/12/2024.',
    );
    expect(v.reporting?.routes).toEqual([{ name: 'tonghop@ldld.vn', role: 'to', email: 'tonghop@ldld.vn' }]);
  });
});
