import { attachmentName, attachmentType, contentFamily } from './attachment';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
/** A zip's first local header naming `name`, then `rest` (enough for the signature checks). */
function zip(name: string, rest = ''): Uint8Array {
  const header = Buffer.alloc(30);
  header.write('PK\x03\x04', 0, 'latin1');
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  return new Uint8Array(Buffer.concat([header, Buffer.from(name + rest, 'latin1')]));
}

describe('contentFamily', () => {
  it('tells each accepted kind by its first bytes or its zip entries', () => {
    expect(contentFamily(bytes('%PDF-1.7\n'))).toBe('pdf');
    expect(contentFamily(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(contentFamily(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(contentFamily(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBe('ole');
    expect(contentFamily(zip('mimetype', 'application/vnd.oasis.opendocument.text'))).toBe('odt');
    expect(contentFamily(zip('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'))).toBe('ods');
    expect(contentFamily(zip('[Content_Types].xml', 'PK word/document.xml'))).toBe('ooxml-word');
    expect(contentFamily(zip('[Content_Types].xml', 'PK xl/workbook.xml'))).toBe('ooxml-sheet');
    expect(contentFamily(zip('notes.txt'))).toBe('zip');
    expect(contentFamily(bytes('MZ\x90\x00'))).toBeNull();
    expect(contentFamily(new Uint8Array())).toBeNull();
  });
});

describe('attachmentType', () => {
  it('accepts a name whose content is what it says, and records the media type', () => {
    expect(attachmentType('Kế hoạch.PDF', bytes('%PDF-1.4'))).toEqual({
      ok: true,
      extension: 'pdf',
      mediaType: 'application/pdf',
    });
    expect(attachmentType('Hồ sơ.zip', zip('[Content_Types].xml', 'word/'))).toMatchObject({ ok: true });
    expect(
      attachmentType('cũ.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
    ).toMatchObject({
      ok: true,
      mediaType: 'application/vnd.ms-excel',
    });
  });

  it('refuses another extension, no extension, and content that is not what the name says', () => {
    expect(attachmentType('a.exe', bytes('MZ'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^file: \.exe/),
    });
    expect(attachmentType('README', bytes('%PDF-'))).toMatchObject({ ok: false });
    expect(attachmentType('giả.pdf', bytes('hello'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unknown'),
    });
    expect(attachmentType('a.docx', zip('[Content_Types].xml', 'xl/'))).toMatchObject({ ok: false });
    expect(attachmentType('a.png', bytes('%PDF-'))).toMatchObject({ ok: false });
    expect(attachmentType('a.toString', bytes('%PDF-'))).toMatchObject({ ok: false });
  });
});

describe('attachmentName', () => {
  it('keeps the base name in NFC without control characters', () => {
    expect(attachmentName('C:\\tmp\\Ke\u0302\u0301 hoa\u0323ch.pdf')).toBe('Kế hoạch.pdf');
    expect(attachmentName('../../etc/a\u0000b.pdf')).toBe('ab.pdf');
    expect(attachmentName('  ')).toBeNull();
    expect(attachmentName('..')).toBeNull();
    expect(attachmentName('a'.repeat(256))).toBeNull();
  });
});
