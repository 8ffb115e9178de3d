import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IMPORT_KEYS,
  importView,
  looksLikeDirective,
  parseDirectiveText,
  type ImportView,
} from '@cascade/documents';

const FIXTURES = join(__dirname, '..', 'fixtures', 'directives');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const view = (text: string): ImportView => importView(parseDirectiveText(text));

describe('parseDirectiveText on the seed directives', () => {
  it('reads the Sơn La plan (web page text around it, double-spaced lines, a multi-line subject)', () => {
    const v = view(fixture('son-la-union-136-KH-LDLD.txt'));
    expect(v).toMatchObject({
      code: '136/KH-LĐLĐ',
      codeNumber: 136,
      codeNotation: 'KH-LĐLĐ',
      documentType: 'Kế hoạch',
      documentTypeCode: 'KH',
      place: 'Sơn La',
      issuedDate: '2019-11-08',
      issuerName: 'LIÊN ĐOÀN LAO ĐỘNG TỈNH SƠN LA',
      parentBodyName: 'TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM',
      header: { kind: 'national' },
      addressees: [],
      basis: [
        { type: 'Kế hoạch', code: '168-KH/TU', date: '2019-10-10', issuerName: 'Tỉnh ủy' },
        { type: 'Kế hoạch', code: '170-KH/TU', date: '2019-10-18', issuerName: 'Tỉnh ủy' },
      ],
      reporting: {
        schedule: { kind: 'monthly', rule: 'before', day: 15, from: '2020-01' },
        targets: ['Ban Tuyên giáo – Nữ công Liên đoàn Lao động tỉnh'],
      },
      contacts: { emails: ['bantincdsl@gmail.com'], phones: ['0212.3789.974'] },
      signer: {
        competence: 'TM. BAN THƯỜNG VỤ',
        position: 'PHÓ CHỦ TỊCH THƯỜNG TRỰC PHỤ TRÁCH LĐLĐ TỈNH',
        fullName: 'Nguyễn Văn Khiển',
        signedMark: true,
      },
      missing: ['addressees'],
    });
    expect(v.subject).toBe(
      'Tuyên truyền, theo dõi nắm tình hình, tổng hợp ý kiến của đoàn viên, CNVCLĐ đóng góp vào các dự thảo văn kiện ' +
        'đại hội đảng các cấp tiến tới Đại hội XIII của Đảng, Đại hội Đảng bộ tỉnh lần thứ XV',
    );
    // the tasks of a plan: its numbered parts, without the purpose section ("Mục đích, yêu cầu")
    expect(v.tasks.map((t) => t.split('\n')[0])).toEqual([
      'Theo dõi, nắm tình hình đoàn viên, CNVCLĐ',
      'Nội dung tuyên truyền',
      'Thời gian tuyên truyền',
      'Hình thức tuyên truyền',
      'Tài liệu và khẩu hiệu tuyên truyền',
      'Liên đoàn Lao động tỉnh',
      'Các cấp công đoàn',
    ]);
    expect(v.recipients).toEqual([
      { name: 'Ban Tuyên giáo TLĐ', role: 'info' },
      { name: 'Ban Tuyên giáo tỉnh ủy', role: 'info' },
      { name: 'Ban Dân vận tỉnh ủy', role: 'info' },
      { name: 'TT LĐLĐ tỉnh', role: 'info' },
      { name: 'Các Ban LĐLĐ tỉnh', role: 'info' },
      { name: 'LĐLĐ huyện thành phố', role: 'info' },
      { name: 'Công đoàn ngành, CĐVC tỉnh', role: 'info' },
      { name: 'VT, TG', role: 'filed' },
    ]);
  });

  it('reads the Tây Ninh letter, which has no header: what it lacks is missing, not invented', () => {
    const v = view(fixture('tay-ninh-district-union-monthly-8th.txt'));
    expect(v).toMatchObject({
      code: null,
      documentType: null,
      subject: null,
      place: null,
      issuedDate: null,
      issuerName: null,
      parentBodyName: null,
      header: null,
      addressees: ['CĐCS trực thuộc Liên đoàn Lao động huyện'],
      basis: [
        {
          type: 'Công văn',
          code: '812/LĐLĐ',
          date: '2020-04-23',
          issuerName: 'Ban Thường vụ Liên đoàn Lao động tỉnh Tây Ninh',
        },
      ],
      reporting: {
        schedule: { kind: 'monthly', rule: 'on', day: 8 },
        targets: ['Liên đoàn Lao động huyện', 'Liên đoàn Lao động tỉnh'],
        routes: [
          { name: 'Liên đoàn Lao động huyện', role: 'to' },
          { name: 'Liên đoàn Lao động tỉnh', role: 'aggregate' },
        ],
      },
      contacts: { emails: [], phones: [] },
      recipients: [
        { name: 'Như trên', role: 'addressees' },
        { name: 'Ban TG-NC LĐLĐ tỉnh', role: 'info' },
        { name: 'Ban TG Huyện ủy', role: 'info' },
        { name: 'Website LĐLĐ huyện', role: 'publish' },
        { name: 'VP', role: 'filed' },
      ],
      signer: { competence: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ CHỦ TỊCH', fullName: 'Thái Thị Bích Thủy' },
    });
    expect(v.missing).toEqual([
      'code',
      'codeNumber',
      'codeNotation',
      'documentType',
      'subject',
      'place',
      'issuedDate',
      'issuerName',
      'parentBodyName',
      'contacts',
    ]);
    expect(v.tasks).toHaveLength(3);
    expect(v.tasks[0]).toMatch(/^Quán triệt, triển khai thưc hiện Kế hoạch số 255-KH\/BTCTW/);
    // the paragraph that follows task 1 belongs to it; the closing request is not a task
    expect(v.tasks[0]).toContain('Nâng cao nhận thức');
    expect(v.tasks[2]).not.toContain('Căn cứ các nội dung trên');
  });

  it('reads the Thanh Hóa Party letter: Party header, Party-style number, a "V/v" subject over two lines', () => {
    const v = view(fixture('thanh-hoa-party-bloc-1023-CV-DUK.txt'));
    expect(v).toMatchObject({
      code: '1023-CV/ĐUK',
      codeNumber: 1023,
      codeNotation: 'CV/ĐUK',
      documentType: 'Công văn',
      subject: 'V/v đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị',
      place: 'Thanh Hoá',
      issuedDate: '2023-07-19',
      issuerName: 'ĐẢNG ỦY KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH',
      parentBodyName: 'ĐẢNG BỘ TỈNH THANH HÓA',
      header: { kind: 'party', text: 'ĐẢNG CỘNG SẢN VIỆT NAM' },
      addressees: ['Các đảng uỷ, chi bộ cơ sở trực thuộc'],
      basis: [
        { type: 'Hướng dẫn', code: '72-HD/BTGTU', date: '2023-06-28', issuerName: 'Ban Tuyên giáo Tỉnh uỷ' },
      ],
      reporting: {
        schedule: null,
        routes: [
          { name: 'Ban Thường vụ Đảng ủy Khối', role: 'to' },
          { name: 'Ban Tuyên giáo', role: 'via' },
          // "Giao Ban Tuyên giáo Đảng ủy Khối …, tổng hợp, báo cáo Ban Thường vụ Đảng ủy Khối và Ban Tuyên giáo Tỉnh ủy"
          { name: 'Ban Tuyên giáo Đảng ủy Khối', role: 'aggregator' },
          { name: 'Ban Thường vụ Đảng ủy Khối', role: 'aggregate' },
          { name: 'Ban Tuyên giáo Tỉnh ủy', role: 'aggregate' },
        ],
      },
      recipients: [
        { name: 'Ban Tuyên giáo TU', role: 'report' },
        { name: 'Các ban, đoàn thể trực thuộc', role: 'info' },
        { name: 'Như kính gửi', role: 'addressees' },
        { name: 'TG, VP', role: 'filed' },
      ],
      signer: {
        competence: 'TM. BAN THƯỜNG VỤ',
        position: 'PHÓ BÍ THƯ',
        fullName: 'Đỗ Hồng Quang',
        signedMark: false,
      },
      missing: ['contacts'],
    });
    expect(v.tasks).toHaveLength(5);
    // task 3 runs over a page break in mid-sentence
    expect(v.tasks[2]).toContain('đạo đức, phong cách Hồ Chí Minh');
    expect(v.tasks[4]).not.toContain('các tài liệu được đăng tải');
  });

  it('reads a state-style công văn with a flattened header, numeric date, listed addressees and two targets', () => {
    const v = view(fixture('synthetic-state-cong-van.txt'));
    expect(v).toMatchObject({
      code: '72/LĐLĐ',
      codeNumber: 72,
      codeNotation: 'LĐLĐ',
      documentType: 'Công văn',
      subject: 'V/v tổ chức các hoạt động Tháng Công nhân năm 2021',
      place: 'Châu Thành',
      issuedDate: '2021-11-08',
      issuerName: 'LIÊN ĐOÀN LAO ĐỘNG HUYỆN CHÂU THÀNH',
      parentBodyName: 'LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH',
      header: { kind: 'national', text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc' },
      addressees: ['Các công đoàn cơ sở trực thuộc', 'Công đoàn cơ sở Trường THCS Thái Bình'],
      basis: [
        { type: 'Công văn', code: '905/LĐLĐ', date: '2021-11-02', issuerName: 'Liên đoàn Lao động tỉnh' },
        { type: 'Kế hoạch', code: '45-KH/HU', date: '2021-11-01', issuerName: 'Huyện ủy Châu Thành' },
      ],
      tasks: ['Tổ chức tuyên truyền Tháng Công nhân.', 'Thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn.'],
      reporting: { schedule: { kind: 'adhoc' }, targets: ['LĐLĐ Huyện', 'LĐLĐ Thành phố', 'Huyện ủy'] },
      contacts: { emails: ['lan.ldld@tayninh.gov.vn'], phones: ['0912 345 678'] },
      recipients: [
        { name: 'Như trên', role: 'addressees' },
        { name: 'TT LĐLĐ tỉnh', role: 'report' },
        { name: 'VT', role: 'filed' },
      ],
      signer: {
        competence: 'KT. CHỦ TỊCH',
        position: 'PHÓ CHỦ TỊCH',
        fullName: 'Trần Văn Bình',
        signedMark: true,
      },
      missing: [],
    });
  });
});

describe('parseDirectiveText: spans, confidence and robustness', () => {
  const thanhHoa = fixture('thanh-hoa-party-bloc-1023-CV-DUK.txt');

  it('gives every part the span of text it came from and a confidence', () => {
    const doc = parseDirectiveText(thanhHoa);
    expect(doc.text.slice(doc.code!.span.start, doc.code!.span.end)).toBe('Số 1023-CV/ĐUK');
    expect(doc.text.slice(doc.issuedDate!.span.start, doc.issuedDate!.span.end)).toBe(
      'Thanh Hoá, ngày 19 tháng 7 năm 2023',
    );
    expect(doc.text.slice(doc.signer!.span.start, doc.signer!.span.end)).toMatch(
      /^T\/M BAN THƯỜNG VỤ[\s\S]*Quang$/,
    );
    for (const p of [
      doc.code,
      doc.issuedDate,
      doc.subject,
      doc.issuer,
      doc.signer,
      ...doc.basis,
      ...doc.tasks,
    ]) {
      expect(p!.confidence).toBeGreaterThan(0.5);
      expect(p!.confidence).toBeLessThanOrEqual(1);
      expect(p!.span.end).toBeGreaterThan(p!.span.start);
    }
    const v = importView(doc);
    expect(v.sources.code[0]).toMatchObject({ text: 'Số 1023-CV/ĐUK', confidence: doc.code!.confidence });
    expect(v.sources.tasks).toHaveLength(5);
  });

  it('reads NFD text, tabs, non-breaking and zero-width spaces and CRLF line ends the same way', () => {
    const hostile = thanhHoa
      .normalize('NFD')
      .replace(/\n/g, '\r\n')
      .replace(/Số 1023/, 'Số\u00a01023')
      .replace(/Kính gửi: /, 'Kính gửi:\t')
      .replace(/Đỗ Hồng Quang/, 'Đỗ\u200b Hồng Quang');
    const { sources: a, ...plain } = view(thanhHoa);
    const { sources: b, ...odd } = view(hostile);
    expect(odd).toEqual(plain);
    expect(Object.keys(b)).toEqual(Object.keys(a));
  });

  it('ignores a web page around the document', () => {
    const page =
      'Trang chủ | Tin tức | Văn bản\nLIÊN ĐOÀN LAO ĐỘNG TỈNH THANH HÓA\nĐăng ngày 20/7/2023 bởi Quản trị\n\n' +
      thanhHoa +
      '\n\nBình luận\nTin cùng chuyên mục\nChia sẻ Facebook Zalo\nLượt xem: 1234\n';
    const { sources, ...v } = view(page);
    const { sources: s0, ...plain } = view(thanhHoa);
    expect(Object.keys(sources)).toEqual(Object.keys(s0));
    expect(v).toEqual(plain);
  });

  it('reads other styles: KT./Q./TL./TUQ. prefixes, "ngày dd/mm/yyyy", "10.10.2019", quarterly and one-off reports', () => {
    const text = [
      'UBND TỈNH SƠN LA',
      'SỞ NỘI VỤ',
      'Số: 15/TB-SNV',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Sơn La, ngày 05/01/2024',
      'THÔNG BÁO',
      'Kết luận của Giám đốc Sở tại cuộc họp giao ban',
      'Căn cứ Quyết định số 12/QĐ-UBND ngày 10.10.2019 của UBND tỉnh về việc ban hành quy chế,',
      '1. Các phòng báo cáo kết quả hằng quý về Văn phòng Sở trước ngày 20.',
      '2. Báo cáo tổng kết gửi về Văn phòng Sở trước ngày 15/12/2024.',
      'Nơi nhận:',
      '- Giám đốc Sở (để b/c);',
      '- Lưu: VT, VP.',
      'TL. GIÁM ĐỐC',
      'CHÁNH VĂN PHÒNG',
      'Lò Văn Páo',
    ].join('\n');
    expect(view(text)).toMatchObject({
      code: '15/TB-SNV',
      documentType: 'Thông báo',
      documentTypeCode: 'TB',
      subject: 'Kết luận của Giám đốc Sở tại cuộc họp giao ban',
      place: 'Sơn La',
      issuedDate: '2024-01-05',
      issuerName: 'SỞ NỘI VỤ',
      parentBodyName: 'UBND TỈNH SƠN LA',
      basis: [{ type: 'Quyết định', code: '12/QĐ-UBND', date: '2019-10-10', issuerName: 'UBND tỉnh' }],
      reporting: {
        schedule: { kind: 'periodic', every: 'quarter', rule: 'before', day: 20 },
        targets: ['Văn phòng Sở'],
      },
      recipients: [
        { name: 'Giám đốc Sở', role: 'report' },
        { name: 'VT, VP', role: 'filed' },
      ],
      signer: { competence: 'TL. GIÁM ĐỐC', position: 'CHÁNH VĂN PHÒNG', fullName: 'Lò Văn Páo' },
    });
    const once = view('Kính gửi: Các đơn vị.\n1. Báo cáo kết quả về Văn phòng trước ngày 15/12/2024.');
    expect(once.reporting?.schedule).toEqual({ kind: 'dates', dates: ['2024-12-15'] });
  });

  it('reports everything missing for empty text, and text that is not a directive as such', () => {
    expect(view('').missing).toEqual([...IMPORT_KEYS]);
    const prose = view('Hôm nay trời đẹp. Chúng tôi đi dạo công viên và ăn kem.\nNgày mai có thể mưa.');
    expect(prose.missing).toEqual([...IMPORT_KEYS]);
    expect(looksLikeDirective(prose)).toBe(false);
    expect(looksLikeDirective(view(thanhHoa))).toBe(true);
  });

  it('never invents a date that does not exist', () => {
    const v = view('Số: 12/KH-LĐLĐ\nHà Nội, ngày 31 tháng 2 năm 2024\nKẾ HOẠCH\nThử nghiệm');
    expect(v.code).toBe('12/KH-LĐLĐ');
    expect(v.issuedDate).toBeNull();
    expect(v.missing).toContain('issuedDate');
  });
});

describe('parseDirectiveText on paragraphs as Word exports them', () => {
  it.each([
    'synthetic-state-cong-van.txt',
    'tay-ninh-district-union-monthly-8th.txt',
    'thanh-hoa-party-bloc-1023-CV-DUK.txt',
  ])('reads %s the same with a blank line between every line', (name) => {
    const text = fixture(name);
    const { sources: a, ...plain } = view(text);
    const { sources: b, ...spaced } = view(text.replace(/\n/g, '\n\n'));
    expect(spaced).toEqual(plain);
    expect(Object.keys(b)).toEqual(Object.keys(a));
  });
});

describe('parseDirectiveText on drafts and other layouts', () => {
  it('reads a Party letter with a flattened header, blank number and day, dashed tasks and no authority prefix', () => {
    const text = [
      'HUYỆN ỦY CHÂU THÀNH    ĐẢNG CỘNG SẢN VIỆT NAM',
      'BAN TUYÊN GIÁO',
      '*',
      'Số:     -CV/BTGHU',
      'Châu Thành, ngày    tháng 5 năm 2024',
      'V/v tuyên truyền kỷ niệm 134 năm',
      'Ngày sinh Chủ tịch Hồ Chí Minh',
      'Kính gửi: Các chi, đảng bộ cơ sở trực thuộc Huyện ủy.',
      'Căn cứ Hướng dẫn số 120-HD/BTGTU ngày 10 tháng 4 năm 2024 của Ban Tuyên giáo Tỉnh ủy về tuyên truyền các ngày lễ lớn năm 2024,',
      'Ban Tuyên giáo Huyện ủy đề nghị các chi, đảng bộ cơ sở:',
      '- Tổ chức tuyên truyền sâu rộng về thân thế, sự nghiệp của Chủ tịch Hồ Chí Minh;',
      '- Treo băng rôn, khẩu hiệu tại trụ sở cơ quan, đơn vị.',
      'Báo cáo kết quả về Ban Tuyên giáo Huyện ủy trước ngày 25/5/2024.',
      'Nơi nhận: Như trên, Lưu VP.',
      'TRƯỞNG BAN',
      'Nguyễn Thị Mai',
    ].join('\n');
    const v = view(text);
    expect(v).toMatchObject({
      code: null,
      codeNumber: null,
      codeNotation: 'CV/BTGHU',
      documentType: 'Công văn',
      subject: 'V/v tuyên truyền kỷ niệm 134 năm Ngày sinh Chủ tịch Hồ Chí Minh',
      place: 'Châu Thành',
      issuedDate: null,
      issuerName: 'BAN TUYÊN GIÁO',
      parentBodyName: 'HUYỆN ỦY CHÂU THÀNH',
      header: { kind: 'party', text: 'ĐẢNG CỘNG SẢN VIỆT NAM' },
      addressees: ['Các chi, đảng bộ cơ sở trực thuộc Huyện ủy'],
      basis: [
        { type: 'Hướng dẫn', code: '120-HD/BTGTU', date: '2024-04-10', issuerName: 'Ban Tuyên giáo Tỉnh ủy' },
      ],
      tasks: [
        'Tổ chức tuyên truyền sâu rộng về thân thế, sự nghiệp của Chủ tịch Hồ Chí Minh',
        'Treo băng rôn, khẩu hiệu tại trụ sở cơ quan, đơn vị.',
      ],
      reporting: { schedule: { kind: 'dates', dates: ['2024-05-25'] }, targets: ['Ban Tuyên giáo Huyện ủy'] },
      recipients: [
        { name: 'Như trên', role: 'addressees' },
        { name: 'VP', role: 'filed' },
      ],
      signer: { competence: null, position: 'TRƯỞNG BAN', fullName: 'Nguyễn Thị Mai' },
    });
    expect(v.missing).toEqual(['code', 'codeNumber', 'issuedDate', 'contacts']);
  });

  it('reads a two-column header flattened line by line, the motto beside the bodies', () => {
    const v = view(
      [
        'LIÊN ĐOÀN LAO ĐỘNG TỈNH SƠN LA    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'BAN TUYÊN GIÁO - NỮ CÔNG    Độc lập - Tự do - Hạnh phúc',
        'Số: 15/HD-TG    Sơn La, ngày 2 tháng 3 năm 2021',
        'HƯỚNG DẪN',
        'Tổ chức các hoạt động kỷ niệm ngày Quốc tế Phụ nữ',
        '1. Các cấp công đoàn tổ chức tọa đàm.',
        'Q. TRƯỞNG BAN',
        'Lò Thị Hương',
      ].join('\n'),
    );
    expect(v).toMatchObject({
      code: '15/HD-TG',
      documentType: 'Hướng dẫn',
      subject: 'Tổ chức các hoạt động kỷ niệm ngày Quốc tế Phụ nữ',
      place: 'Sơn La',
      issuedDate: '2021-03-02',
      issuerName: 'BAN TUYÊN GIÁO - NỮ CÔNG',
      parentBodyName: 'LIÊN ĐOÀN LAO ĐỘNG TỈNH SƠN LA',
      header: { kind: 'national', text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc' },
      tasks: ['Các cấp công đoàn tổ chức tọa đàm.'],
      signer: { competence: 'Q. TRƯỞNG BAN', position: null, fullName: 'Lò Thị Hương' },
    });
  });
});

describe('parseDirectiveText on any input', () => {
  const lines = [
    'son-la-union-136-KH-LDLD.txt',
    'tay-ninh-district-union-monthly-8th.txt',
    'thanh-hoa-party-bloc-1023-CV-DUK.txt',
  ]
    .flatMap((name) => fixture(name).split('\n'))
    .filter((l) => l.trim());
  const check = (text: string) => {
    const doc = parseDirectiveText(text);
    const v = importView(doc);
    for (const spans of Object.values(v.sources))
      for (const s of spans) {
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.end).toBeGreaterThanOrEqual(s.start);
        expect(s.end).toBeLessThanOrEqual(doc.text.length);
        expect(s.confidence).toBeGreaterThan(0);
        expect(s.confidence).toBeLessThanOrEqual(1);
      }
    for (const key of v.missing) expect(IMPORT_KEYS).toContain(key);
    if (v.issuedDate) expect(v.issuedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  };

  it('never throws, and every span lies in the text, on random Unicode', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), { numRuns: 300 });
  });

  it('never throws on real lines shuffled, dropped and repeated', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...lines), { maxLength: 60 }), (picked) =>
        check(picked.join('\n')),
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseDirectiveText on hostile text', () => {
  // Each used to take seconds to minutes (a regular expression retried from every position); Jest's 5 s per test
  // fails them if that comes back.
  it.each([
    ['a 200,000-character line', 'a'.repeat(200_000)],
    ['a number with a 100,000-character notation', `Số: 1/${'A'.repeat(100_000)}`],
    ['an e-mail-like run', `x@${'a.'.repeat(50_000)}`],
    ['a run of digits and spaces', `0${' 1'.repeat(50_000)}`],
    ['references without end', `Thực hiện ${'Công văn số 1/A, ngày 1/1/2020 của '.repeat(5_000)}`],
    ['report targets without end', `báo cáo ${'về Ban '.repeat(20_000)}`],
  ])('reads %s in linear time', (_name, text) => {
    expect(parseDirectiveText(text).missing).toContain('signer');
  });
});

describe('a cited basis as printed', () => {
  it.each([
    ['Thực hiện Công văn số 812 /LĐLĐ, ngày 23/4/2020 của Ban Thường vụ LĐLĐ tỉnh', '812/LĐLĐ', '2020-04-23'],
    [
      'Thực hiện Kế hoạch số 37 – KH/BTCTU ngày 02/3/2020 của Ban Tổ chức Tỉnh ủy',
      '37-KH/BTCTU',
      '2020-03-02',
    ],
    ['Thực hiện Công văn số 1313 -CV/ĐUK ngày 5-4-2007 của Đảng ủy Khối', '1313-CV/ĐUK', '2007-04-05'],
  ])('reads %s as one symbol', (sentence, code, date) => {
    const text = `V/v triển khai\n\nKính gửi: Các công đoàn cơ sở.\n\n${sentence}, đề nghị:\n1. Triển khai thực hiện.`;
    expect(view(text).basis).toEqual([expect.objectContaining({ code, date })]);
  });
});
