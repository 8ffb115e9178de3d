import { buildSignedData, type CmsSigner } from './cms';
import { addSignaturePlaceholder, embedSignature, signedBytes, type PlaceholderOptions } from './pdf-update';
import { fetchTimeStamp, timeStampAttribute } from './timestamp';
import { sha256 } from './x509';

/**
 * Signs a PDF as PAdES baseline B-B (ETSI EN 319 142-1): an incremental update adds a signature dictionary with
 * /SubFilter /ETSI.CAdES.detached, a ByteRange covering the whole file but the /Contents hex string, the claimed
 * signing time in /M, and a detached CMS SignedData over those bytes in /Contents; with a TSA, baseline B-T (a
 * signature-time-stamp unsigned attribute).
 */
export interface SignPdfOptions extends Partial<PlaceholderOptions> {
  signer: CmsSigner;
  /** A time-stamp authority (RFC 3161 over HTTP): the signature becomes B-T, its time proven by the TSA. */
  tsaUrl?: string;
}

export async function signPdf(pdf: Buffer, opts: SignPdfOptions): Promise<Buffer> {
  const prepared = addSignaturePlaceholder(pdf, { ...opts, signingTime: opts.signingTime ?? new Date() });
  const tsaUrl = opts.tsaUrl;
  const cms = await buildSignedData(
    sha256(signedBytes(prepared)),
    opts.signer,
    tsaUrl ? async (signature) => [timeStampAttribute(await fetchTimeStamp(tsaUrl, signature))] : undefined,
  );
  return embedSignature(prepared, cms);
}
