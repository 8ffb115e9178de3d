import type { DataSource } from 'typeorm';

/** A file an edXML export carries (as AttachmentEncoded, base64). */
export interface ExportFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * The files a directive's edXML document message carries, in the order a receiver lists them: the signed PDF first,
 * then the directive's attachments ("gửi kèm theo"). This is the one place the export asks for them; the signed
 * document and the stored attachments (issue 21's other parts) answer here when they exist. This branch stores
 * neither, so a directive exports without files.
 */
export async function exportFiles(_db: DataSource, _directiveId: string): Promise<ExportFile[]> {
  return Promise.resolve([]);
}
