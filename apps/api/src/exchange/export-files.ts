import type { DataSource } from 'typeorm';
import { documentFileName } from '@cascade/documents';
import { directiveAttachmentsWithContent, signedDocument } from '@cascade/persistence';

/** A file an edXML export carries (as AttachmentEncoded, base64). */
export interface ExportFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * The files a directive's edXML document message carries, in the order a receiver lists them: the signed PDF first
 * (the official document stored at signing, the very bytes whose hash is signed), then the directive's attachments
 * ("gửi kèm theo", as stored with their hashes). The one place the export asks for them.
 */
export async function exportFiles(
  db: DataSource,
  directive: { id: string; symbol: string | null },
): Promise<ExportFile[]> {
  const files: ExportFile[] = [];
  const pdf = await signedDocument(db, directive.id);
  if (pdf)
    files.push({
      name: documentFileName(directive.symbol, directive.id, 'pdf'),
      contentType: 'application/pdf',
      bytes: pdf.content,
    });
  for (const a of await directiveAttachmentsWithContent(db, directive.id))
    files.push({ name: a.name, contentType: a.mediaType, bytes: a.content });
  return files;
}
