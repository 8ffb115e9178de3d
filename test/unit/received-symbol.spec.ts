import { symbolKey } from '@cascade/persistence';

describe('symbolKey: a received document is matched by its number and symbol however it is written', () => {
  it.each([
    ['812/LĐLĐ', '812/LĐLĐ'],
    ['812 /LĐLĐ', '812/LĐLĐ'],
    ['812/lđlđ', '812/LĐLĐ'],
    ['812/LĐLĐ'.normalize('NFD'), '812/LĐLĐ'],
    ['812/\u00a0LĐLĐ', '812/LĐLĐ'],
    ['37 – KH/BTCTU', '37-KH/BTCTU'],
    ['37—KH/BTCTU', '37-KH/BTCTU'],
  ])('%j is %j', (written, cited) => expect(symbolKey(written)).toBe(symbolKey(cited)));

  it.each([
    ['812/LĐLĐ', '813/LĐLĐ'],
    ['812/LĐLĐ', '812/LDLD'],
    ['37-KH/BTCTU', '37-HD/BTCTU'],
  ])('%j is not %j', (a, b) => expect(symbolKey(a)).not.toBe(symbolKey(b)));
});
