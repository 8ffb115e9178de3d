import { buildSignedData, type CmsSigner } from './cms';
import { addSignaturePlaceholder, embedSignature, signedBytes, type PlaceholderOptions } from './pdf-update';
import { sha256 } from './x509';

/**
 * Signs a PDF as PAdES baseline B-B (ETSI EN 319 142-1): an incremental update adds a signature dictionary with
 * /SubFilter /ETSI.CAdES.detached, a ByteRange covering the whole file but the /Contents hex string, the claimed
 * signing time in /M, and a detached CMS SignedData over those bytes in /Contents.
 */
export interface SignPdfOptions extends Partial<PlaceholderOptions> {
  signer: CmsSigner;
}

export async function signPdf(pdf: Buffer, opts: SignPdfOptions): Promise<Buffer> {
  const prepared = addSignaturePlaceholder(pdf, { ...opts, signingTime: opts.signingTime ?? new Date() });
  const cms = await buildSignedData(sha256(signedBytes(prepared)), opts.signer);
  return embedSignature(prepared, cms);
}
