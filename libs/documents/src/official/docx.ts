import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IBorderOptions,
} from 'docx';
import { DOCX_FONT_FAMILY } from './font';
import { layoutFor, TWIPS_PER_MM } from './layout';
import { addresseeLines, type OfficialDocument } from './official-document';
import { DRAFT_MARK, PARTY_MOTTO, STATE_MOTTO, STATE_TAGLINE, type RenderOptions } from './pdf';

const twips = (mm: number) => Math.round(mm * TWIPS_PER_MM);
const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = {
  top: NONE,
  bottom: NONE,
  left: NONE,
  right: NONE,
  insideHorizontal: NONE,
  insideVertical: NONE,
};
const LINE: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };

interface RunStyle {
  size: number;
  bold?: boolean;
  italics?: boolean;
  underline?: boolean;
}

const run = (text: string, st: RunStyle) =>
  new TextRun({
    text,
    font: DOCX_FONT_FAMILY,
    size: st.size * 2,
    bold: st.bold,
    italics: st.italics,
    underline: st.underline ? {} : undefined,
  });

/** The official document as a DOCX: the same lines as the PDF, in Times New Roman, A4 and Decree 30's margins. */
export function renderDirectiveDocx(doc: OfficialDocument, opts: RenderOptions): Promise<Buffer> {
  const L = opts.layout ?? layoutFor(doc.party);
  const s = L.sizes;
  const m = L.marginsMm;
  const textW = L.page.widthMm - m.left - m.right;
  const lineSpacing = Math.round(240 * L.lineSpacing);
  const centred = (text: string, st: RunStyle, after = 0) =>
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after }, children: [run(text, st)] });
  /** A short horizontal rule, centred in a column `widthMm` wide, `lengthMm` long. */
  const rule = (widthMm: number, lengthMm: number) => {
    const side = twips(Math.max(0, (widthMm - lengthMm) / 2));
    return new Paragraph({
      border: { top: LINE },
      indent: { left: side, right: side },
      spacing: { after: 60 },
      children: [],
    });
  };
  const cell = (widthMm: number, children: Paragraph[]) =>
    new TableCell({ width: { size: twips(widthMm), type: WidthType.DXA }, borders: NO_BORDERS, children });
  const grid = (leftMm: number, left: Paragraph[], right: Paragraph[]) =>
    new Table({
      width: { size: twips(textW), type: WidthType.DXA },
      columnWidths: [twips(leftMm), twips(textW - leftMm)],
      layout: TableLayoutType.FIXED,
      borders: NO_BORDERS,
      rows: [new TableRow({ children: [cell(leftMm, left), cell(textW - leftMm, right)] })],
    });

  const leftMm = textW * L.headerLeftShare;
  const left: Paragraph[] = [];
  if (doc.parentBody) left.push(centred(doc.parentBody, { size: s.parentBody }));
  left.push(centred(doc.issuingBody, { size: s.issuingBody, bold: true }));
  left.push(
    doc.party ? centred('*', { size: s.issuingBody, bold: true }) : rule(leftMm, leftMm * L.ruleShare),
  );
  left.push(centred(doc.numberLine, { size: s.number }));
  if (!doc.typeName) left.push(centred(doc.subject, { size: s.subjectCongVan }));
  const right: Paragraph[] = [centred(doc.party ? PARTY_MOTTO : STATE_MOTTO, { size: s.motto, bold: true })];
  if (doc.party) right.push(rule(textW - leftMm, (textW - leftMm) * 0.75));
  else {
    right.push(centred(STATE_TAGLINE, { size: s.tagline, bold: true }));
    right.push(rule(textW - leftMm, (textW - leftMm) * 0.55));
  }
  right.push(centred(doc.placeDateLine, { size: s.placeDate, italics: true }));

  const body: (Paragraph | Table)[] = [];
  if (opts.draft) {
    body.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        indent: { left: twips(textW - 35) },
        border: { top: LINE, bottom: LINE, left: LINE, right: LINE },
        spacing: { after: 120 },
        children: [run(DRAFT_MARK, { size: s.draftMark, bold: true })],
      }),
    );
  }
  body.push(grid(leftMm, left, right));
  if (doc.typeName) {
    body.push(new Paragraph({ spacing: { after: 120 }, children: [] }));
    body.push(centred(doc.typeName, { size: s.typeName, bold: true }));
    body.push(centred(doc.subject, { size: s.subject, bold: true }));
    body.push(rule(textW, textW * 0.8 * L.ruleShare));
  }
  if (doc.addressees.length) {
    const lines = addresseeLines(doc.addressees);
    body.push(new Paragraph({ spacing: { before: 120 }, children: [] }));
    if (lines.length === 1) body.push(centred(lines[0], { size: s.addressees }, 120));
    else
      lines.forEach((line, i) =>
        body.push(
          new Paragraph({
            indent: { left: twips(textW * 0.2 + (i ? 22 : 0)) },
            children: [run(line, { size: s.addressees })],
          }),
        ),
      );
  }
  const paragraph = (text: string) =>
    new Paragraph({
      alignment: AlignmentType.JUSTIFIED,
      indent: { firstLine: twips(L.paragraphIndentMm) },
      spacing: { after: L.paragraphSpacingPt * 20, line: lineSpacing },
      children: [run(text, { size: s.body })],
    });
  body.push(new Paragraph({ spacing: { after: 120 }, children: [] }));
  doc.basis.forEach((p) => body.push(paragraph(p)));
  doc.tasks.forEach((t, i) => body.push(paragraph(`${i + 1}. ${t}`)));
  if (doc.closing) body.push(paragraph(doc.closing));
  if (doc.attachments?.length) {
    body.push(paragraph('Tài liệu gửi kèm theo:'));
    doc.attachments.forEach((a, i) => body.push(paragraph(`${i + 1}. ${a.name}`)));
  }

  const recipients = [
    new Paragraph({
      children: [
        run('Nơi nhận:', {
          size: s.recipientsHeading,
          bold: true,
          italics: !doc.party,
          underline: doc.party,
        }),
      ],
    }),
    ...doc.recipients.map((line) => new Paragraph({ children: [run(line, { size: s.recipients })] })),
  ];
  const signing = [
    ...doc.signer.lines.map((line) => centred(line, { size: s.authority, bold: true })),
    new Paragraph({ spacing: { before: twips(L.signatureSpaceMm) }, children: [] }),
    ...(doc.signer.name ? [centred(doc.signer.name, { size: s.signerName, bold: true })] : []),
  ];
  body.push(new Paragraph({ spacing: { after: 120 }, children: [] }));
  body.push(grid(textW * (1 - L.signatureShare), recipients, signing));

  const document = new Document({
    creator: 'Cascade',
    title: `${doc.numberLine} ${doc.subject}`.slice(0, 200),
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: twips(L.page.widthMm), height: twips(L.page.heightMm) },
            margin: {
              top: twips(m.top),
              bottom: twips(m.bottom),
              left: twips(m.left),
              right: twips(m.right),
            },
          },
        },
        // Page numbers from the second page on, centred at the top (appendix I); none on the first page.
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ children: [PageNumber.CURRENT], font: DOCX_FONT_FAMILY, size: s.body * 2 }),
                ],
              }),
            ],
          }),
          first: new Header({ children: [] }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(document);
}
