import mammoth from 'mammoth';
import { PARTY_LAYOUT, STATE_LAYOUT } from './layout';
import { officialDocumentOf, type DocumentRecord } from './official-document';
import { renderDirectiveDocx } from './docx';
import { renderDirectivePdf } from './pdf';

const record: DocumentRecord = {
  type: 'KH',
  content: {
    place: 'Sơn La',
    subject: 'Tuyên truyền đại hội đảng các cấp',
    tasks: ['Xây dựng kế hoạch triển khai thực hiện.'],
    addressees: { mode: 'children' },
  },
  symbol: '136/KH-LĐLĐ',
  signedAt: '2019-11-08T03:00:00Z',
  signer: { authority: 'TM. Ban Thường vụ', position: 'Phó Chủ tịch', name: 'Nguyễn Văn Ấn' },
  issuerChain: [
    { name: 'Tổng Liên đoàn Lao động Việt Nam', symbol: 'TLĐ', kind: 'federation' },
    { name: 'Liên đoàn Lao động tỉnh Sơn La', symbol: 'LĐLĐ', kind: 'federation' },
  ],
};
const at = new Date('2019-11-08T03:00:00Z');

describe('renderDirectivePdf', () => {
  it('renders A4 pages, with the same bytes for the same document and date', async () => {
    const doc = officialDocumentOf(record);
    const a = await renderDirectivePdf(doc, { draft: false, createdAt: at });
    const b = await renderDirectivePdf(doc, { draft: false, createdAt: at });
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(a.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.27559\d* 841\.88976\d*\]/);
    expect(a.equals(b)).toBe(true);
    // the font is embedded (a subset of Tinos), never referenced by name only
    expect(a.toString('latin1')).toMatch(/\/FontFile2/);
    const changed = await renderDirectivePdf(doc, {
      draft: false,
      createdAt: at,
      layout: { ...STATE_LAYOUT, sizes: { ...STATE_LAYOUT.sizes, body: 13 } },
    });
    expect(changed.equals(a)).toBe(false);
  });
});

describe('renderDirectiveDocx', () => {
  it('says what the PDF says, the draft mark included', async () => {
    const text = async (draft: boolean, party = false) =>
      (
        await mammoth.extractRawText({
          buffer: await renderDirectiveDocx(officialDocumentOf(record), {
            draft,
            layout: party ? PARTY_LAYOUT : undefined,
          }),
        })
      ).value;
    const signed = await text(false);
    for (const part of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM',
      'LIÊN ĐOÀN LAO ĐỘNG TỈNH SƠN LA',
      'Số: 136/KH-LĐLĐ',
      'Sơn La, ngày 08 tháng 11 năm 2019',
      'KẾ HOẠCH',
      'Tuyên truyền đại hội đảng các cấp',
      '1. Xây dựng kế hoạch triển khai thực hiện.',
      'TM. BAN THƯỜNG VỤ',
      'PHÓ CHỦ TỊCH',
      'Nguyễn Văn Ấn',
      'Nơi nhận:',
      '- Lưu: VT.',
    ])
      expect([part, signed.includes(part)]).toEqual([part, true]);
    expect(signed).not.toContain('DỰ THẢO');
    expect(await text(true)).toContain('DỰ THẢO');
  });
});
