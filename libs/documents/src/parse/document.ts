/** The whole document: each section's reader in turn, around the anchors of the header. */
import { findAddressees } from './addressees';
import { findBasis, findContacts, findTasks } from './body';
import { findBodies, findCode, findHeader, findMarks, findPlaceDate, findTypeAndSubject } from './header';
import { importView } from './import-view';
import { findRecipients } from './recipients';
import { findReporting } from './reporting';
import { findSigner } from './signature';
import { normalizeDocumentText, splitLines } from './text';
import type { ParsedDocument } from './types';

interface Anchors {
  header: number;
  number: number;
  date: number;
}

export function parseDirectiveText(input: string): ParsedDocument {
  const text = normalizeDocumentText(input);
  const lines = splitLines(text);
  const recipients = findRecipients(lines);
  const closing = recipients.line >= 0 ? recipients.line : lines.length;
  const headLimit = Math.min(closing, lines.length);

  const header = findHeader(lines, headLimit);
  const code = findCode(lines, headLimit);
  const placeDate = findPlaceDate(lines, headLimit);
  const anchors: Anchors = {
    header: header?.line ?? -1,
    number: code?.line ?? -1,
    date: placeDate?.line ?? -1,
  };
  const found: number[] = [anchors.header, anchors.number, anchors.date].filter((x) => x >= 0);
  const firstAnchor = found.length ? Math.min(...found) : -1;
  const lastAnchor = found.length ? Math.max(...found) : -1;

  // the header's bodies: around the anchors, before the title or the body
  const skip = new Set(found);
  if (header && header.part.value.kind === 'national') skip.add(header.line);
  const bodies =
    firstAnchor >= 0
      ? findBodies(
          lines,
          Math.max(0, firstAnchor - 12),
          Math.min(lines.length, lastAnchor + 6),
          firstAnchor,
          skip,
        )
      : findBodies(lines, 0, Math.min(lines.length, 12), -1, skip);

  // the title or "V/v" follows the number (in a flattened header it may come before the date)
  const ts = findTypeAndSubject(lines, Math.max(0, firstAnchor), code?.part ?? null, skip);
  const afterHeader = Math.max(ts.end, lastAnchor + 1);
  const marks = findMarks(lines, Math.max(0, firstAnchor), Math.max(afterHeader, ts.end) + 2);
  const addressees = findAddressees(lines, ts.end);
  const bodyFrom = addressees.line >= 0 ? addressees.end : afterHeader;
  const basis = findBasis(lines, bodyFrom);
  const tasks = findTasks(lines, basis.end, closing);
  const issued = placeDate?.date?.value ?? null;
  const reporting = findReporting(lines, bodyFrom, closing, issued);
  const contacts = findContacts(text);
  const signer = findSigner(
    lines,
    Math.max(bodyFrom, recipients.line >= 0 ? recipients.line : Math.floor(lines.length / 2)),
  );

  const doc: ParsedDocument = {
    text,
    header: header?.part ?? null,
    parentBody: bodies.parent,
    issuer: bodies.issuer,
    code: code?.part ?? null,
    place: placeDate?.place ?? null,
    issuedDate: placeDate?.date ?? null,
    documentType: ts.type,
    subject: ts.subject,
    addressees: addressees.parts,
    basis: basis.parts,
    tasks,
    marks,
    reporting,
    emails: contacts.emails,
    phones: contacts.phones,
    recipients: recipients.parts,
    signer,
    missing: [],
  };
  const view = importView(doc);
  doc.missing = view.missing;
  return doc;
}
