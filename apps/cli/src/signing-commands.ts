/**
 * `cascade ca …` (the organisational CA) and `cascade pdf verify` (PAdES verification), see main.ts's usage.
 * The CA passphrase comes from CASCADE_CA_PASSPHRASE and a PKCS#12 password from CASCADE_P12_PASSWORD: never from
 * the command line, which other users of the machine can read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CaError,
  ORGANISATIONAL_NOTICE,
  caInit,
  caIssue,
  caRevoke,
  verifyPdfSignature,
  type PdfSignatureResult,
} from '@cascade/signing';

export const SIGNING_USAGE = `       cascade ca init --dir DIR --org "<organisation>" [--crl-url URL]
       cascade ca issue --dir DIR --name "<full name>" [--email E] --out FILE.p12 [--days N | --not-before T --not-after T]
       cascade ca issue --dir DIR --name "<full name>" --public-key PUB.pem --out CERT.pem   (a key kept in a token)
       cascade ca revoke --dir DIR --serial HEX
       cascade pdf verify FILE [--trust-anchor PEM]... [--crl PEM]... [--at T] [--json]`;

export class SigningUsageError extends Error {}

function values(args: string[], name: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a !== name) return;
    const v = args[i + 1];
    if (!v || v.startsWith('--')) throw new SigningUsageError(`${name} needs a value\n${SIGNING_USAGE}`);
    out.push(v);
  });
  return out;
}
const value = (args: string[], name: string) => values(args, name).at(-1);
function required(args: string[], name: string): string {
  const v = value(args, name);
  if (!v) throw new SigningUsageError(`${name} is required\n${SIGNING_USAGE}`);
  return v;
}
function date(args: string[], name: string): Date | undefined {
  const v = value(args, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new SigningUsageError(`${name}: "${v}" is not a date (ISO 8601)`);
  return d;
}
function secret(name: string): string {
  const v = process.env[name];
  if (!v) throw new SigningUsageError(`${name} must be set in the environment`);
  return v;
}
function read(path: string, what: string): Buffer {
  try {
    return readFileSync(resolve(path));
  } catch (e) {
    throw new SigningUsageError(
      `${what} ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

const BANNER = `ORGANISATIONAL CA: ${ORGANISATIONAL_NOTICE}`;

export function caCommand(command: string | undefined, args: string[]): number {
  try {
    return caRun(command, args);
  } catch (e) {
    if (e instanceof CaError) throw new SigningUsageError(e.message);
    throw e;
  }
}

function caRun(command: string | undefined, args: string[]): number {
  const dir = resolve(required(args, '--dir'));
  switch (command) {
    case 'init': {
      const paths = caInit(dir, {
        organisation: required(args, '--org'),
        passphrase: secret('CASCADE_CA_PASSPHRASE'),
        crlUrl: value(args, '--crl-url'),
      });
      console.log(BANNER);
      console.log(
        `root CA (the trust anchor): ${paths.root}\nchain: ${paths.chain}\nCRLs: ${paths.crl}, ${paths.rootCrl}`,
      );
      return 0;
    }
    case 'issue': {
      const out = resolve(required(args, '--out'));
      const publicKey = value(args, '--public-key');
      const days = value(args, '--days');
      if (days !== undefined && !/^\d+$/.test(days))
        throw new SigningUsageError(`--days: "${days}" is not a number of days`);
      const notBefore = date(args, '--not-before');
      const start = notBefore ?? new Date();
      const result = caIssue(dir, {
        passphrase: secret('CASCADE_CA_PASSPHRASE'),
        name: required(args, '--name'),
        email: value(args, '--email'),
        publicKeyPem: publicKey ? read(publicKey, '--public-key').toString('utf8') : undefined,
        password: publicKey ? undefined : secret('CASCADE_P12_PASSWORD'),
        notBefore,
        notAfter:
          date(args, '--not-after') ??
          (days ? new Date(start.getTime() + Number(days) * 86_400_000) : undefined),
      });
      writeFileSync(out, result.pkcs12 ?? result.certificate.toString(), { mode: 0o600 });
      console.log(BANNER);
      console.log(`issued serial ${result.serial} to ${result.certificate.subject.split('\n').join(', ')}`);
      console.log(`valid ${result.certificate.validFrom} – ${result.certificate.validTo}; written to ${out}`);
      return 0;
    }
    case 'revoke': {
      const rec = caRevoke(dir, {
        passphrase: secret('CASCADE_CA_PASSPHRASE'),
        serial: required(args, '--serial'),
      });
      console.log(`revoked serial ${rec.serial} (${rec.name}) at ${rec.revokedAt}; the CRL is re-signed`);
      return 0;
    }
    default:
      throw new SigningUsageError(SIGNING_USAGE);
  }
}

/** Trust anchors and CRLs: the options, else SIGNING_TRUST_ANCHORS and SIGNING_CRLS (comma-separated PEM files). */
function listed(args: string[], name: string, env: string): string[] {
  const given = values(args, name);
  return given.length
    ? given
    : (process.env[env] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

export function pdfCommand(command: string | undefined, args: string[]): number {
  const file = args.find(
    (a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--') && args[i - 1] !== '--json'),
  );
  if (command !== 'verify' || !file) throw new SigningUsageError(SIGNING_USAGE);
  const anchors = listed(args, '--trust-anchor', 'SIGNING_TRUST_ANCHORS');
  if (!anchors.length)
    throw new SigningUsageError('no trust anchor: give --trust-anchor PEM or set SIGNING_TRUST_ANCHORS');
  const result = verifyPdfSignature(read(file, 'PDF'), {
    trustAnchors: anchors.map((a) => read(a, '--trust-anchor')),
    crls: listed(args, '--crl', 'SIGNING_CRLS').map((c) => read(c, '--crl')),
    at: date(args, '--at'),
  });
  if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else console.log(describe(result));
  return result.valid ? 0 : 1;
}

function describe(r: PdfSignatureResult): string {
  const lines = [r.valid ? 'VALID signature' : 'INVALID signature'];
  if (r.signer) lines.push(`signer: ${r.signer.subject} (serial ${r.signer.serial})`);
  if (r.signingTime) lines.push(`signing time: ${r.signingTime}`);
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return lines.join('\n');
}
