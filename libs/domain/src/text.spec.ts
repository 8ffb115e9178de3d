import { foldVietnamese, normalizeText } from './text';

describe('normalizeText', () => {
  it('turns NFD into NFC', () => {
    const nfd = 'Liên đoàn Lao động'.normalize('NFD');
    expect(nfd).not.toBe('Liên đoàn Lao động');
    expect(normalizeText(nfd)).toBe('Liên đoàn Lao động');
  });

  it('replaces tabs and non-breaking spaces, drops zero-width characters, collapses runs', () => {
    expect(normalizeText('\tSơn\u00a0La,\u200b  ngày 8\u202Ftháng 11 ')).toBe('Sơn La, ngày 8 tháng 11');
  });

  it('keeps line breaks', () => {
    expect(normalizeText('a\nb')).toBe('a\nb');
  });
});

describe('foldVietnamese', () => {
  it.each([
    ['Liên đoàn Lao động tỉnh Sơn La', 'lien doan lao dong tinh son la'],
    ['ĐẢNG ỦY KHỐI', 'dang uy khoi'],
    ['Công đoàn cơ sở'.normalize('NFD'), 'cong doan co so'],
  ])('%s → %s', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });
});
