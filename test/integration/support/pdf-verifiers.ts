import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The independent verifiers of a signed PDF: poppler's `pdfsig` (NSS, with the organisational root trusted in a
 * database of the test's own) and OpenSSL (`openssl cms -verify` of the CMS from /Contents over the byte ranges,
 * with the chain and the CRLs). Needs Debian's poppler-utils, libnss3-tools and openssl.
 */

/** A tool's exit code and output (stdout then stderr); never throws. */
export function tool(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** A tool that must succeed: its output. */
export async function mustRun(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const r = await tool(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.out}`);
  return r.out;
}

/** An NSS database in `dir` that trusts `rootPem` (for `pdfsig -nssdir`). */
export async function nssTrusting(dir: string, rootPem: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await mustRun('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  await mustRun('certutil', [
    '-A',
    '-d',
    `sql:${dir}`,
    '-n',
    'organisational root',
    '-t',
    'CT,C,C',
    '-i',
    rootPem,
  ]);
  return dir;
}

/** `pdfsig` with the NSS database made by `nssTrusting`. */
export const pdfsig = (nssDir: string, file: string) => tool('pdfsig', ['-nssdir', `sql:${nssDir}`, file]);

/**
 * OpenSSL over what the last signature covers: the CMS from its /Contents, the content its ByteRange selects,
 * against the trust store made of `storePems` (the root, and the CRLs of both CAs for `-crl_check_all`).
 */
export function opensslVerify(file: string, storePems: string[], crlCheck: boolean) {
  const pdf = readFileSync(file);
  const text = pdf.toString('latin1');
  const m = /\/ByteRange\s*\[(\d+) (\d+) (\d+) (\d+)\]/.exec(text.slice(text.lastIndexOf('/ByteRange')))!;
  const [a, b, c, d] = m.slice(1).map(Number);
  writeFileSync(`${file}.content`, Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
  writeFileSync(`${file}.p7s`, Buffer.from(text.slice(a + b + 1, c - 1), 'hex'));
  const store = `${file}.store.pem`;
  writeFileSync(store, storePems.map((f) => readFileSync(f, 'utf8')).join(''));
  return tool('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    `${file}.p7s`,
    '-content',
    `${file}.content`,
    '-CAfile',
    store,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
    ...(crlCheck ? ['-crl_check_all'] : []),
  ]);
}

/** The organisational CA's trust files in `ca` (made by `cascade ca init`): the root and both CRLs. */
export const caStore = (ca: string) => ['root.pem', 'crl.pem', 'root-crl.pem'].map((f) => join(ca, f));
