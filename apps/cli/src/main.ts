/**
 * `cascade` — the command line for auditors and operators (the package's bin).
 *
 *   cascade audit verify <directiveId> [--json]   recompute every hash chain, check every signature
 *   cascade audit replay <directiveId> [--json] [--workflows FILE]
 *                                                 replay every workflow history against the current code (or the
 *                                                 workflows module FILE: a version to check before deploying it)
 *   cascade audit export <directiveId> --out DIR   case file (JSON and printable HTML) and every history (JSON)
 *   cascade audit checkpoint --key KEY --out FILE  every directive's chain head now, signed with the auditor's
 *                                                 Ed25519 private key (PEM; the database never holds it): keep the
 *                                                 file outside the database
 *   cascade audit verify-checkpoint FILE --public-key PUB [--json]
 *                                                 check a checkpoint's signature with the auditor's public key, and
 *                                                 that every event it recorded still has its hash (a history
 *                                                 rewritten by the database's owner, however consistent, fails)
 *   cascade import <file> [--json]                read a directive from its text (.txt), a .docx or an edXML message
 *                                                 and print every part found (JSON: the import contract), with what
 *                                                 is missing; needs no database
 *   cascade edxml read <file> [--json]            what an edXML message says, a document (its header, addressees,
 *                                                 attachments) or a status (its code, whom and what it answers);
 *                                                 needs no database; exits 2 on a message it cannot read
 *   cascade calendar list [--json]                the working calendar's years: stored (official or provisional) and
 *                                                 computed from the Labour Code
 *   cascade calendar show <year> [--json]         a year's days off and worked weekend days, with their sources
 *   cascade calendar import <file>                store the year(s) of a JSON file ({ year, state, source, daysOff,
 *                                                 workedDays }, or a list of them): replaces what was there and
 *                                                 reschedules the cycles not yet opened
 *   cascade calendar confirm <year> --source S    confirm a year's computed days as official, naming the announcement
 *   cascade ca init|issue|revoke --dir DIR …      the organisational CA (not a licensed CA): root, issuing CA, signer
 *                                                 certificates (PKCS#12, or a certificate for a token's public key),
 *                                                 CRLs (signing-commands.ts)
 *   cascade pdf verify FILE [--json]              a signed PDF's PAdES signature: each check, exit 0 when valid
 *
 * Each covers the directive and the directives implementing it, reads DATABASE_URL and TEMPORAL_ADDRESS (and
 * TEMPORAL_NAMESPACE) from the environment or .env, and exits 0 when everything holds, 1 when verification fails,
 * 2 on bad usage or a directive that does not exist. `import` exits 0 when the text holds a directive, 1 when nothing of
 * one was found, 2 on bad usage or a file that cannot be read (empty, binary, malformed or hostile XML).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadDotEnvFile, temporalConnectionOptions } from '@cascade/config';
import { calendarYearProblems, type CalendarDay, type CalendarYear } from '@cascade/domain';
import { DocumentInputError, importDocument, importSummary, looksLikeDirective } from '@cascade/documents';
import {
  calendarYear,
  calendarYearsThrough,
  caseFileHtml,
  wholeCaseFile,
  createDataSource,
  resourceExists,
  storeCalendarYear,
  takeCheckpoint,
  verifyCheckpoint,
  verifyFamily,
  type StoredCalendarYear,
} from '@cascade/persistence';
import { directiveRuns, replayRuns, runToJSON } from '@cascade/temporal';
import { edxmlRead } from './edxml-read';
import { caCommand, pdfCommand, SIGNING_USAGE, SigningUsageError } from './signing-commands';

const USAGE = `usage: cascade audit verify <directiveId> [--json]
       cascade audit replay <directiveId> [--json] [--workflows FILE]
       cascade audit export <directiveId> --out DIR
       cascade audit checkpoint --key KEY --out FILE
       cascade audit verify-checkpoint FILE --public-key PUB [--json]
       cascade import <file> [--json]
       cascade edxml read <file> [--json]
       cascade calendar list [--json]
       cascade calendar show <year> [--json]
       cascade calendar import <file>
       cascade calendar confirm <year> --source "<announcement, number and date>"
${SIGNING_USAGE}`;

/** The largest file `cascade import` reads (the API's upload limit). */
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

async function importFile(path: string, json: boolean): Promise<number> {
  let data: Buffer;
  try {
    if (statSync(path).size > MAX_IMPORT_BYTES) throw new UsageError(`${path}: larger than 20 MB`);
    data = readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let imported;
  try {
    imported = await importDocument(data, { filename: path });
  } catch (e) {
    if (e instanceof DocumentInputError) throw new UsageError(`${path}: ${e.code}: ${e.message}`);
    throw e;
  }
  const found = looksLikeDirective(imported.view);
  if (json) console.log(JSON.stringify({ format: imported.format, ...imported.view }, null, 2));
  else {
    console.log(importSummary(imported.view));
    if (!found) console.log('\nnothing of a directive was found in this text');
  }
  return found ? 0 : 1;
}

class UsageError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function withDatabase<T>(run: (db: ReturnType<typeof createDataSource>) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new UsageError('DATABASE_URL is required');
  const db = createDataSource({ url, poolSize: 2, applicationName: 'cascade-cli' });
  await db.initialize();
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

async function withTemporal<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect(
    temporalConnectionOptions({
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
      TEMPORAL_TLS: process.env.TEMPORAL_TLS === 'true' ? 'true' : 'false',
      TEMPORAL_API_KEY: process.env.TEMPORAL_API_KEY || undefined,
    }),
  );
  try {
    return await run(new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' }));
  } finally {
    await connection.close();
  }
}

async function exists(db: ReturnType<typeof createDataSource>, id: string): Promise<void> {
  if (!(await resourceExists(db, 'directive', id))) throw new UsageError(`directive ${id} does not exist`);
}

async function verify(id: string, json: boolean): Promise<number> {
  return withDatabase(async (db) => {
    await exists(db, id);
    const result = await verifyFamily(db, id);
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      for (const c of result.chains) {
        console.log(
          `chain ${c.directiveId}: ${c.events} events, ${c.valid ? 'intact' : `BROKEN at event ${c.firstBroken!.seq}: ${c.firstBroken!.problem}`}`,
        );
      }
      for (const s of result.signatures) {
        console.log(
          `signature ${s.directiveId}: ${!s.signed ? 'not signed' : s.valid ? 'valid' : `INVALID: ${s.problems.join('; ')}`}`,
        );
      }
      console.log(result.valid ? 'verified' : 'VERIFICATION FAILED');
    }
    return result.valid ? 0 : 1;
  });
}

async function replay(id: string, json: boolean, workflowsPath?: string): Promise<number> {
  return withDatabase(async (db) => {
    await exists(db, id);
    const runs = await withTemporal((client) => directiveRuns(client, db, id));
    if (!runs.length) throw new Error(`no workflow of directive ${id} was found in Temporal`);
    const verdicts = await replayRuns(runs, { workflowsPath });
    if (json) console.log(JSON.stringify(verdicts, null, 2));
    else {
      for (const v of verdicts) {
        console.log(
          `${v.reproduces ? 'ok  ' : 'FAIL'} ${v.type} ${v.workflowId} ${v.runId}${v.error ? `: ${v.error}` : ''}`,
        );
      }
      const failed = verdicts.filter((v) => !v.reproduces).length;
      console.log(
        failed
          ? `${failed} of ${verdicts.length} runs do not reproduce`
          : `${verdicts.length} runs reproduce`,
      );
    }
    return verdicts.every((v) => v.reproduces) ? 0 : 1;
  });
}

async function exportCase(id: string, out: string): Promise<number> {
  return withDatabase(async (db) => {
    const file = await wholeCaseFile(db, id);
    if (!file) throw new UsageError(`directive ${id} does not exist`);
    const dir = resolve(out);
    mkdirSync(join(dir, 'histories'), { recursive: true });
    writeFileSync(join(dir, 'case-file.json'), JSON.stringify(file, null, 2) + '\n');
    writeFileSync(join(dir, 'case-file.html'), caseFileHtml(file));
    const runs = await withTemporal((client) => directiveRuns(client, db, id));
    for (const run of runs) {
      const name = `${run.workflowId.replace(/[^A-Za-z0-9._-]+/g, '_')}--${run.runId}.json`;
      writeFileSync(join(dir, 'histories', name), JSON.stringify(runToJSON(run)) + '\n');
    }
    console.log(`case file and ${runs.length} histories written to ${dir}`);
    console.log(file.verification.valid ? 'verified' : 'VERIFICATION FAILED');
    return file.verification.valid ? 0 : 1;
  });
}

function printYear(y: StoredCalendarYear) {
  const where = y.stored ? `stored, revision ${y.revision}` : 'computed, not stored';
  console.log(`${y.year}  ${y.state} (${where})  ${y.source ?? ''}`);
  for (const d of y.daysOff)
    console.log(`  ${d.date}  nghỉ    ${d.name}${d.source ? `  [${d.source}]` : ''}`);
  for (const d of y.workedDays)
    console.log(`  ${d.date}  làm bù  ${d.name}${d.source ? `  [${d.source}]` : ''}`);
}

const yearArg = (year: string | undefined): number => {
  if (!year || !/^\d{4}$/.test(year))
    throw new UsageError(`year: "${year ?? ''}" is not a year yyyy\n${USAGE}`);
  return Number(year);
};

async function calendarCommand(command: string | undefined, args: string[]): Promise<number> {
  const json = args.includes('--json');
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--source');
  switch (command) {
    case 'list':
      return withDatabase(async (db) => {
        // up to next year in Việt Nam, as GET /calendar/years lists them
        const next = Number(new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 4)) + 1;
        const years = await calendarYearsThrough(db, next);
        if (json) console.log(JSON.stringify(years, null, 2));
        else
          for (const y of years)
            console.log(
              `${y.year}  ${y.state.padEnd(11)} ${y.stored ? 'stored  ' : 'computed'}  ${y.daysOff.length} days off, ${y.workedDays.length} worked  ${y.source ?? ''}`,
            );
        return 0;
      });
    case 'show': {
      const year = yearArg(positional[0]);
      return withDatabase(async (db) => {
        const y = await calendarYear(db, year);
        if (json) console.log(JSON.stringify(y, null, 2));
        else printYear(y);
        return 0;
      });
    }
    case 'import': {
      const file = positional[0];
      if (!file) throw new UsageError(USAGE);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(resolve(file), 'utf8'));
      } catch (e) {
        throw new UsageError(`${file}: not a readable JSON file (${(e as Error).message})`);
      }
      const entries = Array.isArray(parsed) ? parsed : [parsed];
      const years: CalendarYear[] = [];
      for (const [i, entry] of entries.entries()) {
        const e = (entry ?? {}) as Partial<CalendarYear>;
        const problems = calendarYearProblems(e.year, e);
        if (problems.length)
          throw new UsageError(`${file}${entries.length > 1 ? ` [${i}]` : ''}: ${problems.join('; ')}`);
        const trim = (d: CalendarDay) => ({
          date: d.date,
          name: d.name.trim(),
          source: d.source?.trim() || null,
        });
        years.push({
          year: e.year!,
          state: e.state ?? 'official',
          source: e.source?.trim() || null,
          daysOff: e.daysOff!.map(trim),
          workedDays: (e.workedDays ?? []).map(trim),
        });
      }
      return withDatabase(async (db) => {
        for (const y of years) {
          const stored = await storeCalendarYear(db, y, null);
          console.log(
            `${stored.year}: ${stored.changed ? (stored.created ? 'stored' : `replaced (revision ${stored.revision})`) : 'unchanged'}, ` +
              `${stored.rescheduled.length} cycle(s) rescheduled`,
          );
        }
        return 0;
      });
    }
    case 'confirm': {
      const year = yearArg(positional[0]);
      const at = args.indexOf('--source');
      const source = at >= 0 ? args[at + 1]?.trim() : undefined;
      if (!source)
        throw new UsageError(`confirm needs --source "<the announcement's number and date>"\n${USAGE}`);
      return withDatabase(async (db) => {
        const current = await calendarYear(db, year);
        const confirmed = { ...current, state: 'official' as const, source };
        const problems = calendarYearProblems(year, {
          state: 'official',
          source,
          daysOff: current.daysOff,
          workedDays: current.workedDays,
        });
        if (problems.length) throw new UsageError(`${year}: ${problems.join('; ')}`);
        const stored = await storeCalendarYear(db, confirmed, null);
        console.log(`${year}: official (${source}), ${stored.rescheduled.length} cycle(s) rescheduled`);
        return 0;
      });
    }
    default:
      throw new UsageError(USAGE);
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${what} ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function checkpointCommand(args: string[]): Promise<number> {
  const keyFile = option(args, '--key');
  const out = option(args, '--out');
  if (!keyFile || !out) throw new UsageError(USAGE);
  let key;
  try {
    key = createPrivateKey(readText(keyFile, '--key'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--key ${keyFile}: not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`--key ${keyFile}: must be an Ed25519 key`);
  return withDatabase(async (db) => {
    const checkpoint = await takeCheckpoint(db, key);
    writeFileSync(out, JSON.stringify(checkpoint, null, 2) + '\n');
    console.log(`checkpoint of ${checkpoint.heads.length} chain(s) at ${checkpoint.takenAt}: ${out}`);
    return 0;
  });
}

async function verifyCheckpointCommand(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--public-key');
  const publicKeyFile = option(args, '--public-key');
  if (!file || !publicKeyFile) throw new UsageError(USAGE);
  let checkpoint: unknown;
  try {
    checkpoint = JSON.parse(readText(resolve(file), 'checkpoint'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`checkpoint ${file}: not JSON`);
  }
  const publicKey = readText(publicKeyFile, '--public-key');
  return withDatabase(async (db) => {
    const verdict = await verifyCheckpoint(db, checkpoint, publicKey);
    if (args.includes('--json')) console.log(JSON.stringify(verdict, null, 2));
    else if (!verdict.signatureValid) {
      console.log('checkpoint: INVALID signature for this public key (or not a checkpoint)');
    } else {
      console.log(
        `checkpoint of ${verdict.directives} chain(s) taken at ${verdict.takenAt}: signature valid`,
      );
      for (const b of verdict.broken)
        console.log(`chain ${b.directiveId}: BROKEN at event ${b.seq}: ${b.problem}`);
      if (verdict.valid) console.log('every recorded event still has its hash');
    }
    return verdict.valid ? 0 : 1;
  });
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  if (!args[at + 1] || args[at + 1].startsWith('--')) throw new UsageError(`${name} needs a value\n${USAGE}`);
  return resolve(args[at + 1]);
}

export async function main(argv: string[]): Promise<number> {
  loadDotEnvFile();
  if (argv[0] === 'import') {
    const file = argv.slice(1).find((a) => !a.startsWith('--'));
    if (!file) throw new UsageError(USAGE);
    return importFile(resolve(file), argv.includes('--json'));
  }
  if (argv[0] === 'calendar') return calendarCommand(argv[1], argv.slice(2));
  if (argv[0] === 'edxml' && argv[1] === 'read') {
    const { code, out } = edxmlRead(argv.slice(2));
    (code === 0 ? console.log : console.error)(out);
    return code;
  }
  if (argv[0] === 'ca') return caCommand(argv[1], argv.slice(2));
  if (argv[0] === 'pdf') return pdfCommand(argv[1], argv.slice(2));
  const [group, command, id, ...rest] = argv;
  if (group === 'audit' && command === 'checkpoint') return checkpointCommand(argv.slice(2));
  if (group === 'audit' && command === 'verify-checkpoint') return verifyCheckpointCommand(argv.slice(2));
  if (group !== 'audit' || !command || !id) throw new UsageError(USAGE);
  if (!UUID.test(id)) throw new UsageError(`directiveId: "${id}" is not a UUID`);
  const json = rest.includes('--json');
  switch (command) {
    case 'verify':
      return verify(id, json);
    case 'replay':
      try {
        Runtime.install({ logger: new DefaultLogger('ERROR') });
      } catch {
        // installed already
      }
      return replay(id, json, option(rest, '--workflows'));
    case 'export': {
      const out = option(rest, '--out');
      if (!out) throw new UsageError(USAGE);
      return exportCase(id, out);
    }
    default:
      throw new UsageError(USAGE);
  }
}

/** Runs a command and exits with its code (the bin calls this). */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.message);
      process.exit(error instanceof UsageError || error instanceof SigningUsageError ? 2 : 1);
    },
  );
}

if (require.main === module) run(process.argv.slice(2));
