import { contentDisposition } from './document.controller';

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('136-KH-LĐLĐ.pdf')).toBe(
      `attachment; filename="136-KH-LDLD.pdf"; filename*=UTF-8''136-KH-L%C4%90L%C4%90.pdf`,
    );
  });

  it('never lets a quote, a backslash or a line break through', () => {
    const header = contentDisposition('a"b\\c\r\nd.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a_b_c__d.pdf";')).toBe(true);
  });
});
