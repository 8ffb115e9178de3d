import { FONT_STYLES, officialFont } from './font';

/** A Vietnamese pangram, and every precomposed letter Vietnamese uses (the tones on each vowel, đ, ơ, ư), both cases. */
const PANGRAM = 'Trăm năm trong cõi người ta, chữ tài chữ mệnh khéo là ghét nhau. Quyền hạn: KT. CHỦ TỊCH.';
const VOWELS = 'aăâeêioôơuưy';
const TONES = ['\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
const ALL = [...VOWELS]
  .flatMap((v) => [v, ...TONES.map((t) => (v + t).normalize('NFC'))])
  .concat(['đ'])
  .join('');
const TEXT = `${PANGRAM}${ALL}${ALL.toUpperCase()}“”–…`;

interface Face {
  familyName: string;
  hasGlyphForCodePoint(cp: number): boolean;
}

describe.each(FONT_STYLES)('the %s face', (style) => {
  // fontkit (pdfkit's font engine, which embeds the font) reads it as the PDF will
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fontkit = require('fontkit') as { create(data: Buffer): Face };
  const font = fontkit.create(officialFont(style));

  it('is Tinos (Times New Roman metrics)', () => {
    expect(font.familyName).toBe('Tinos');
  });

  it('has a glyph for every character of the pangram and of the Vietnamese alphabet', () => {
    const missing = [...new Set(TEXT.normalize('NFC'))].filter(
      (ch) => ch !== ' ' && !font.hasGlyphForCodePoint(ch.codePointAt(0)!),
    );
    expect(missing).toEqual([]);
    // every Vietnamese letter: 12 vowels × 6 tones + đ, in both cases
    expect(new Set(ALL).size).toBe(VOWELS.length * 6 + 1);
  });
});
