import PDFDocument from 'pdfkit';
import { officialFont, type FontStyle } from './font';
import { layoutFor, PT_PER_MM, type OfficialLayout } from './layout';
import { addresseeLines, type OfficialDocument } from './official-document';

export interface RenderOptions {
  /** A draft: marked "DỰ THẢO" (boxed at the top right, appendix I). */
  draft: boolean;
  /** The layout to use instead of the decree's (a different renderer, e.g. in tests); default: `layoutFor(party)`. */
  layout?: OfficialLayout;
  /** The PDF's creation date (its metadata); with it, the same document renders to the same bytes. */
  createdAt?: Date;
}

export const STATE_MOTTO = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const STATE_TAGLINE = 'Độc lập - Tự do - Hạnh phúc';
export const PARTY_MOTTO = 'ĐẢNG CỘNG SẢN VIỆT NAM';
export const DRAFT_MARK = 'DỰ THẢO';

const FONT_NAMES: Record<FontStyle, string> = {
  regular: 'Tinos',
  bold: 'Tinos-Bold',
  italic: 'Tinos-Italic',
  boldItalic: 'Tinos-BoldItalic',
};

type Doc = InstanceType<typeof PDFDocument>;

/** The official document as a PDF: A4, Decree 30's margins, Tinos (Times New Roman's metrics) embedded. */
export function renderDirectivePdf(doc: OfficialDocument, opts: RenderOptions): Promise<Buffer> {
  const L = opts.layout ?? layoutFor(doc.party);
  const m = L.marginsMm;
  const pdf = new PDFDocument({
    size: [L.page.widthMm * PT_PER_MM, L.page.heightMm * PT_PER_MM],
    margins: {
      top: m.top * PT_PER_MM,
      bottom: m.bottom * PT_PER_MM,
      left: m.left * PT_PER_MM,
      right: m.right * PT_PER_MM,
    },
    bufferPages: true,
    info: {
      Title: `${doc.numberLine} ${doc.subject}`.slice(0, 200),
      Creator: 'Cascade',
      Producer: 'Cascade',
      CreationDate: opts.createdAt ?? new Date(),
    },
  });
  for (const style of Object.keys(FONT_NAMES) as FontStyle[])
    pdf.registerFont(FONT_NAMES[style], officialFont(style));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  layOut(pdf, doc, L, opts.draft);
  pdf.end();
  return done;
}

function layOut(pdf: Doc, doc: OfficialDocument, L: OfficialLayout, draft: boolean): void {
  const s = L.sizes;
  const x0 = pdf.page.margins.left;
  const top = pdf.page.margins.top;
  const W = pdf.page.width - x0 - pdf.page.margins.right;
  const set = (style: FontStyle, size: number) => pdf.font(FONT_NAMES[style]).fontSize(size);
  const gap = (size: number) => size * (L.lineSpacing - 1);
  /** Centred text in a column; answers the y below it. */
  const centred = (text: string, x: number, y: number, w: number, style: FontStyle, size: number) => {
    set(style, size).text(text, x, y, { width: w, align: 'center', lineGap: gap(size) });
    return pdf.y;
  };
  const rule = (cx: number, y: number, length: number) => {
    pdf
      .moveTo(cx - length / 2, y)
      .lineTo(cx + length / 2, y)
      .lineWidth(0.6)
      .stroke();
  };

  if (draft) {
    set('bold', s.draftMark);
    const w = pdf.widthOfString(DRAFT_MARK) + 12;
    const h = s.draftMark + 8;
    const y = top - h - 2 * PT_PER_MM;
    pdf
      .rect(x0 + W - w, y, w, h)
      .lineWidth(1)
      .stroke();
    pdf.text(DRAFT_MARK, x0 + W - w, y + 5, { width: w, align: 'center', lineBreak: false });
  }

  // The header: the issuing body at the left, the motto at the right (appendix I, positions 1–4).
  const leftW = W * L.headerLeftShare;
  const rightX = x0 + leftW;
  const rightW = W - leftW;
  let ly = top;
  if (doc.parentBody) ly = centred(doc.parentBody, x0, ly, leftW, 'regular', s.parentBody);
  ly = centred(doc.issuingBody, x0, ly, leftW, 'bold', s.issuingBody);
  if (doc.party) {
    ly = centred('*', x0, ly, leftW, 'bold', s.issuingBody);
  } else {
    set('bold', s.issuingBody);
    const longest = Math.min(leftW, pdf.widthOfString(doc.issuingBody.split('\n').pop() ?? ''));
    rule(x0 + leftW / 2, ly + 1, longest * L.ruleShare);
    ly += 6;
  }
  ly = centred(doc.numberLine, x0, ly + 2, leftW, 'regular', s.number);
  if (!doc.typeName) ly = centred(doc.subject, x0, ly + 2, leftW, 'regular', s.subjectCongVan);

  let ry = top;
  const motto = doc.party ? PARTY_MOTTO : STATE_MOTTO;
  ry = centred(motto, rightX, ry, rightW, 'bold', s.motto);
  if (doc.party) {
    set('bold', s.motto);
    rule(rightX + rightW / 2, ry + 1, Math.min(rightW, pdf.widthOfString(motto)));
    ry += 8;
  } else {
    ry = centred(STATE_TAGLINE, rightX, ry, rightW, 'bold', s.tagline);
    set('bold', s.tagline);
    rule(rightX + rightW / 2, ry + 1, pdf.widthOfString(STATE_TAGLINE));
    ry += 8;
  }
  ry = centred(doc.placeDateLine, rightX, ry + 2, rightW, 'italic', s.placeDate);

  let y = Math.max(ly, ry) + 12;
  if (doc.typeName) {
    y = centred(doc.typeName, x0, y, W, 'bold', s.typeName);
    y = centred(doc.subject, x0 + W * 0.1, y, W * 0.8, 'bold', s.subject);
    set('bold', s.subject);
    rule(x0 + W / 2, y + 1, Math.min(W * 0.8, pdf.widthOfString(doc.subject)) * L.ruleShare);
    y += 10;
  }

  if (doc.addressees.length) {
    const lines = addresseeLines(doc.addressees);
    set('regular', s.addressees);
    if (lines.length === 1) {
      y = centred(lines[0], x0, y + 4, W, 'regular', s.addressees);
    } else {
      const ax = x0 + W * 0.2;
      const indent = pdf.widthOfString('Kính gửi: ');
      let iy = y + 4;
      pdf.text(lines[0], ax, iy, { lineBreak: false });
      // the first addressee sits on the line of "Kính gửi:", the others under it
      for (const line of lines.slice(1)) {
        pdf.text(line, ax + indent, iy, { width: W * 0.8 - indent, lineGap: gap(s.addressees) });
        iy = pdf.y;
      }
      y = iy;
    }
    y += 6;
  }

  // The body: basis, tasks, closing (13–14 pt, justified, first line indented).
  pdf.x = x0;
  pdf.y = y;
  set('regular', s.body);
  const paragraph = (text: string) =>
    pdf.text(text, x0, pdf.y, {
      width: W,
      align: 'justify',
      indent: L.paragraphIndentMm * PT_PER_MM,
      lineGap: gap(s.body),
      paragraphGap: L.paragraphSpacingPt,
    });
  doc.basis.forEach(paragraph);
  doc.tasks.forEach((task, i) => paragraph(`${i + 1}. ${task}`));
  if (doc.closing) paragraph(doc.closing);
  if (doc.attachments?.length) {
    paragraph('Tài liệu gửi kèm theo:');
    doc.attachments.forEach((a, i) => paragraph(`${i + 1}. ${a.name}`));
  }

  // The signing block at the right, "Nơi nhận" at the left (positions 7 and 9).
  const signW = W * L.signatureShare;
  const recW = W * L.recipientsShare;
  const needed =
    (doc.signer.lines.length + 1) * s.authority * L.lineSpacing +
    L.signatureSpaceMm * PT_PER_MM +
    s.signerName * 2;
  let by = pdf.y + 10;
  if (by + needed > pdf.page.height - pdf.page.margins.bottom) {
    pdf.addPage();
    by = pdf.page.margins.top;
  }
  const signX = x0 + W - signW;
  let sy = by;
  for (const line of doc.signer.lines) sy = centred(line, signX, sy, signW, 'bold', s.authority);
  sy += L.signatureSpaceMm * PT_PER_MM;
  if (doc.signer.name) centred(doc.signer.name, signX, sy, signW, 'bold', s.signerName);
  const signBottom = pdf.y;

  set(doc.party ? 'bold' : 'boldItalic', s.recipientsHeading);
  pdf.text('Nơi nhận:', x0, by, { width: recW, underline: doc.party });
  set('regular', s.recipients);
  for (const line of doc.recipients) pdf.text(line, x0, pdf.y, { width: recW });
  pdf.y = Math.max(pdf.y, signBottom);

  // Page numbers from the second page on, centred in the top margin (appendix I, position 14).
  const range = pdf.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    set('regular', s.body);
    pdf.text(String(i + 1), x0, pdf.page.margins.top / 2, { width: W, align: 'center', lineBreak: false });
  }
}
