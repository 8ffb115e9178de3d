import type { UnitKind } from '../organisation';

/** Document types (Decree 30/2020) with the abbreviation used in numbers. A công văn carries none in state style. */
export const DOC_TYPES = {
  KH: 'Kế hoạch',
  HD: 'Hướng dẫn',
  CV: 'Công văn',
  CT: 'Chỉ thị',
  TB: 'Thông báo',
  QD: 'Quyết định',
  BC: 'Báo cáo',
} as const;
export type DocType = keyof typeof DOC_TYPES;
export const DOC_TYPE_CODES = Object.keys(DOC_TYPES) as DocType[];

/** The kinds of unit that are Party bodies (cấp ủy, chi bộ): their documents follow Guide 36-HD/VPTW. */
export const PARTY_KINDS: readonly UnitKind[] = ['party_committee', 'party_cell'];

/**
 * Whether a unit is a Party body, from its kind and those of its ancestors (root first, the unit last): a committee or
 * a cell is one; a department (ban) is one when the body it belongs to, its nearest ancestor that is not a department,
 * is one (the Ban Tuyên giáo of a Đảng ủy Khối issues Party documents, that of a Liên đoàn Lao động does not).
 */
export function isPartyBody(chainKinds: readonly UnitKind[]): boolean {
  for (let i = chainKinds.length - 1; i >= 0; i--) {
    if (chainKinds[i] !== 'department') return PARTY_KINDS.includes(chainKinds[i]);
  }
  return false;
}

/**
 * The number and symbol of a document: state and union style `136/KH-LĐLĐ` (a công văn: `72/LĐLĐ`), Party style
 * `1023-CV/ĐUK` (Guide 36-HD/VPTW). Numbers restart at 1 each year and are unique per issuer.
 */
export function formatSymbol(
  number: number,
  type: DocType,
  issuerSymbol: string,
  issuerKind: UnitKind,
  partyStyle?: boolean,
): string {
  const party = partyStyle ?? PARTY_KINDS.includes(issuerKind);
  if (party) return `${number}-${type}/${issuerSymbol}`;
  return type === 'CV' ? `${number}/${issuerSymbol}` : `${number}/${type}-${issuerSymbol}`;
}

export type DirectiveStatus =
  | 'draft'
  | 'in_review'
  | 'approved'
  | 'rejected'
  | 'signed'
  | 'dispatched'
  | 'cancelled'
  | 'closed'
  | 'recalled'
  | 'superseded'
  /** Received from outside Cascade and registered by the receiving unit (incoming register): it never moves. */
  | 'received';

const NEXT: Record<DirectiveStatus, readonly DirectiveStatus[]> = {
  draft: ['in_review', 'cancelled'],
  in_review: ['draft', 'approved', 'rejected', 'cancelled'],
  approved: ['signed', 'cancelled'],
  rejected: [],
  signed: ['dispatched'],
  // After dispatch: closed when done, recalled by the issuer (edXML 13), superseded by a newer directive.
  dispatched: ['closed', 'recalled', 'superseded'],
  cancelled: [],
  closed: [],
  recalled: [],
  superseded: [],
  received: [],
};

export function canMove(from: DirectiveStatus, to: DirectiveStatus): boolean {
  return NEXT[from].includes(to);
}

/** Deterministic JSON: sorted keys, NFC strings, no undefined — the bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.normalize('NFC'));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k.normalize('NFC'))}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot serialise a ${typeof value}`);
}

export interface SignedDocumentInput {
  directiveId: string;
  issuer: { id: string; code: string; symbol: string; name: string };
  type: DocType;
  year: number;
  number: number;
  symbol: string;
  signedAt: string;
  version: number;
  content: unknown;
  signer: {
    userId: string;
    authority: string;
    position: string;
    name: string;
    /** The relation signed under (KT., Q., TL., TUQ.): its grantor and written basis. Absent otherwise. */
    delegation?: {
      id: string;
      kind: string;
      grantorUserId: string;
      grantorName: string;
      basisNumber: string;
      basisDate: string;
    };
  };
  /** The attached files by name and hash, in upload order. Absent when there are none (older records as they were). */
  attachments?: { id: string; name: string; mediaType: string; size: number; sha256: string }[];
  /** The official document rendered when it was signed (its PDF, stored as rendered): its hash is signed too. */
  document?: { mediaType: 'application/pdf'; sha256: string };
}

/** Exactly what a signature covers: content and metadata, serialised canonically. Signing and verifying build it here. */
export function signedDocumentBytes(input: SignedDocumentInput): string {
  return canonicalJson({ format: 'cascade.directive.v1', ...input });
}
