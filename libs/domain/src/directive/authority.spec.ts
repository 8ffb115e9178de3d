import { AUTHORITY_PREFIXES } from '../organisation';
import { canonicalAuthority, parseAuthority, parseAuthorityStack } from './authority';

describe('signing authorities as printed', () => {
  it.each([
    ['T/M BAN THƯỜNG VỤ', 'TM. BAN THƯỜNG VỤ'],
    ['TM BAN THƯỜNG VỤ', 'TM. BAN THƯỜNG VỤ'],
    ['TM.BAN THƯỜNG VỤ', 'TM. BAN THƯỜNG VỤ'],
    ['T.M. BAN THƯỜNG VỤ', 'TM. BAN THƯỜNG VỤ'],
    ['t/m   ban thường vụ', 'TM. ban thường vụ'],
    ['K/T CHỦ TỊCH', 'KT. CHỦ TỊCH'],
    ['KT CHỦ TỊCH', 'KT. CHỦ TỊCH'],
    ['Q CHÁNH VĂN PHÒNG', 'Q. CHÁNH VĂN PHÒNG'],
    ['Q.GIÁM ĐỐC', 'Q. GIÁM ĐỐC'],
    ['T/L BỘ TRƯỞNG', 'TL. BỘ TRƯỞNG'],
    ['TL. BỘ TRƯỞNG', 'TL. BỘ TRƯỞNG'],
    ['TUQ. CHỦ TỊCH', 'TUQ. CHỦ TỊCH'],
    ['T.U.Q CHỦ TỊCH', 'TUQ. CHỦ TỊCH'],
    ['TUQ CHỦ TỊCH', 'TUQ. CHỦ TỊCH'],
  ])('%s → %s', (printed, canonical) => {
    expect(canonicalAuthority(printed)).toBe(canonical);
    expect(AUTHORITY_PREFIXES).toContain(parseAuthority(printed)!.prefix);
  });

  it('keeps NFD input comparable (NFC out)', () => {
    expect(canonicalAuthority('T/M BAN THƯỜNG VỤ'.normalize('NFD'))).toBe('TM. BAN THƯỜNG VỤ');
  });

  it.each(['QUYẾT ĐỊNH:', 'TLĐ', 'TM.', 'KT', 'BAN THƯỜNG VỤ', 'THÔNG BÁO', 'KẾ HOẠCH', ''])(
    'reads no authority in %j',
    (s) => expect(canonicalAuthority(s)).toBeNull(),
  );

  it('reads a stacked block and where its position starts', () => {
    const stack = parseAuthorityStack(['TL. BỘ TRƯỞNG', 'K/T CỤC TRƯỞNG', 'PHÓ CỤC TRƯỞNG', 'Nguyễn Văn A']);
    expect(stack.authorities.map((a) => a.text)).toEqual(['TL. BỘ TRƯỞNG', 'KT. CỤC TRƯỞNG']);
    expect(stack.next).toBe(2);
  });
});
