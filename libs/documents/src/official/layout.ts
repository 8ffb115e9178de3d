/**
 * The layout of an official document, in one place: Decree 30/2020/NĐ-CP, appendix I (state and union bodies) and
 * Guide 36-HD/VPTW (2018, Party bodies). Lengths in millimetres, font sizes in points. Both renderers (PDF and DOCX)
 * read only these; `layout.spec.ts` checks each value against the range the decree or the guide allows.
 */

export interface OfficialLayout {
  /** A4 portrait. */
  page: { widthMm: number; heightMm: number };
  marginsMm: { top: number; bottom: number; left: number; right: number };
  /** The header's two columns (issuing body at the left, motto at the right), as a share of the text width. */
  headerLeftShare: number;
  /** The signing block's column at the right and "Nơi nhận" at the left, as shares of the text width. */
  signatureShare: number;
  recipientsShare: number;
  /** First-line indent of a body paragraph (appendix I: 1 to 1.27 cm). */
  paragraphIndentMm: number;
  /** Space after a body paragraph (at least 6 pt) and the line spacing (single to 1.5 lines). */
  paragraphSpacingPt: number;
  lineSpacing: number;
  /** The space left for the signature (and the seal) between the position and the name. */
  signatureSpaceMm: number;
  /** Underlines under the issuing body and the subject: a share of the text above them (1/3 to 1/2). */
  ruleShare: number;
  sizes: {
    /** "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (Party: "ĐẢNG CỘNG SẢN VIỆT NAM"). */
    motto: number;
    /** "Độc lập - Tự do - Hạnh phúc". */
    tagline: number;
    /** The parent body (cơ quan chủ quản) and the issuing body. */
    parentBody: number;
    issuingBody: number;
    number: number;
    placeDate: number;
    typeName: number;
    subject: number;
    /** "V/v …" of a công văn, under its number. */
    subjectCongVan: number;
    addressees: number;
    body: number;
    authority: number;
    signerName: number;
    recipientsHeading: number;
    recipients: number;
    draftMark: number;
  };
}

const A4 = { widthMm: 210, heightMm: 297 };

/** Decree 30/2020, appendix I, sections II and III. */
export const STATE_LAYOUT: OfficialLayout = {
  page: A4,
  marginsMm: { top: 20, bottom: 20, left: 30, right: 15 },
  headerLeftShare: 0.4,
  signatureShare: 0.5,
  recipientsShare: 0.45,
  paragraphIndentMm: 12.7,
  paragraphSpacingPt: 6,
  lineSpacing: 1.15,
  signatureSpaceMm: 25,
  ruleShare: 0.4,
  sizes: {
    motto: 12,
    tagline: 13,
    parentBody: 12,
    issuingBody: 12,
    number: 13,
    placeDate: 13,
    typeName: 14,
    subject: 14,
    subjectCongVan: 12,
    addressees: 14,
    body: 14,
    authority: 13,
    signerName: 13,
    recipientsHeading: 12,
    recipients: 11,
    draftMark: 13,
  },
};

/** Guide 36-HD/VPTW (2018), Party documents: the same page, larger type ("ĐẢNG CỘNG SẢN VIỆT NAM" 15 pt). */
export const PARTY_LAYOUT: OfficialLayout = {
  ...STATE_LAYOUT,
  sizes: {
    motto: 15,
    tagline: 15,
    parentBody: 14,
    issuingBody: 14,
    number: 14,
    placeDate: 14,
    typeName: 15,
    subject: 14,
    subjectCongVan: 12,
    addressees: 14,
    body: 14,
    authority: 14,
    signerName: 14,
    recipientsHeading: 14,
    recipients: 12,
    draftMark: 14,
  },
};

/** The layout of a document: Party bodies follow Guide 36-HD/VPTW, every other body Decree 30. */
export function layoutFor(party: boolean): OfficialLayout {
  return party ? PARTY_LAYOUT : STATE_LAYOUT;
}

/** Points per millimetre (PDF user space is in points). */
export const PT_PER_MM = 72 / 25.4;
/** Twentieths of a point per millimetre (DOCX lengths are in twips). */
export const TWIPS_PER_MM = 1440 / 25.4;
