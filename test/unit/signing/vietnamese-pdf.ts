import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/** A small PDF with Vietnamese text, as pdfkit writes it (for the signing tests). */
export function vietnamesePdf(
  text = 'Chỉ thị về việc tăng cường công tác phòng, chống thiên tai — Hà Nội',
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { Title: 'Chỉ thị' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font(fontPath()).fontSize(14).text(text);
    doc.end();
  });
}

/** A font with Vietnamese glyphs from the system (Debian fonts-dejavu-core): pdfkit's own fonts are Latin-1 only. */
function fontPath(): string {
  for (const f of [
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
  ]) {
    if (existsSync(f)) return f;
  }
  throw new Error('no font with Vietnamese glyphs: apt-get install -y fonts-dejavu-core');
}
