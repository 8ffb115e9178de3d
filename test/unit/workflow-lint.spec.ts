/** The determinism rules are enforced by lint: prove that they fire on workflow code and stay quiet elsewhere. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

jest.setTimeout(60_000);

const root = join(__dirname, '..', '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
  /** The file, relative to the root (`apps/api/src/…`). */
  file: string;
}

/** Runs the project's ESLint as `npm run lint` does (its flat config is ESM, which Jest's VM cannot import). */
function lint(args: string[]): LintMessage[] {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', ...args],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (!run.stdout) throw new Error(`eslint produced no report: ${run.stderr}`);
  return messagesOf(run.stdout);
}

function messagesOf(json: string): LintMessage[] {
  const report = JSON.parse(json) as { filePath: string; messages: LintMessage[] }[];
  for (const r of report) linted.add(relative(root, r.filePath));
  return report.flatMap((r) => r.messages.map((m) => ({ ...m, file: relative(root, r.filePath) })));
}

/** Every file ESLint reported on, relative to the root (so that a check by directory is never vacuous). */
const linted = new Set<string>();

/**
 * The whole tree linted once (the checks below read their directories from it). Under `npm test`, the lint step's own
 * report of this tree (CASCADE_ESLINT_REPORT, written by infra/bin/eslint-report.mjs moments before): the same run
 * of the same rules, not a second one.
 */
let tree: LintMessage[] | undefined;
const report = process.env.CASCADE_ESLINT_REPORT;
const treeIn = (...dirs: string[]) => {
  tree ??=
    report && existsSync(report)
      ? messagesOf(readFileSync(report, 'utf8'))
      : lint(['apps', 'libs', 'workflows', 'bench', 'test']);
  for (const d of dirs) expect([...linted].some((f) => f.startsWith(`${d}/`))).toBe(true);
  return tree.filter((m) => dirs.some((d) => m.file.startsWith(`${d}/`)));
};

/**
 * The fixtures, linted in one ESLint run (each run builds the typed program again: ~10 s apiece on this machine);
 * each check reads its own file's messages.
 */
const FIXTURES = {
  workflow: 'test/lint-fixtures/workflows/src/nondeterministic.workflow.ts',
  otherApp: 'test/lint-fixtures/apps/api/src/reaches-into-worker.ts',
  sql: 'test/lint-fixtures/apps/api/src/sql-in-a-service.ts',
  deepImport: 'test/lint-fixtures/test/deep-import.e2e-spec.ts',
};
let fixtureMessages: LintMessage[] | undefined;
const fixture = (name: keyof typeof FIXTURES): LintMessage[] => {
  fixtureMessages ??= lint(['--no-ignore', ...Object.values(FIXTURES)]);
  // every fixture was linted (a path ESLint skipped would leave its checks nothing to fail on)
  for (const f of Object.values(FIXTURES)) expect(linted.has(f)).toBe(true);
  return fixtureMessages.filter((m) => m.file === FIXTURES[name]);
};

describe('workflow lint rules', () => {
  let messages: LintMessage[];

  beforeAll(() => {
    messages = fixture('workflow');
  });

  const restricted = () => messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');

  it('bans Node built-ins, with or without the node: prefix', () => {
    expect(restricted().map((m) => m.line)).toEqual(expect.arrayContaining([2, 3]));
  });

  it('bans I/O packages and NestJS', () => {
    expect(restricted().map((m) => m.line)).toEqual(expect.arrayContaining([4, 5]));
  });

  it('allows type-only imports and @temporalio/workflow', () => {
    expect(restricted().map((m) => m.line)).not.toContain(6);
    expect(restricted().map((m) => m.line)).not.toContain(7);
  });

  it('reports floating promises as errors', () => {
    const floating = messages.filter((m) => m.ruleId === '@typescript-eslint/no-floating-promises');
    expect(floating.map((m) => m.line)).toEqual([15]);
  });

  it('leaves the real workflows clean', () => {
    expect(treeIn('workflows')).toEqual([]);
  });
});

describe('the layout rules', () => {
  it('forbids an app importing another app, and allows the libs', () => {
    const messages = fixture('otherApp').filter(
      (m) => m.ruleId === '@typescript-eslint/no-restricted-imports',
    );
    expect(messages.map((m) => [m.line, m.message])).toEqual([
      [2, expect.stringContaining('apps/api must not import another app')],
    ]);
  });

  it('forbids SQL outside libs/persistence, and allows a Temporal query', () => {
    const messages = fixture('sql').filter((m) => m.ruleId === 'no-restricted-syntax');
    expect(messages.map((m) => [m.line, m.message])).toEqual([
      [5, expect.stringContaining('SQL belongs in a repository of libs/persistence')],
      [9, expect.stringContaining('SQL belongs in a repository of libs/persistence')],
    ]);
  });

  it('makes tests and the bench use the libs through their public modules', () => {
    const messages = fixture('deepImport').filter(
      (m) => m.ruleId === '@typescript-eslint/no-restricted-imports',
    );
    expect(messages.map((m) => [m.line, m.message])).toEqual([
      [2, expect.stringContaining("use the lib's public module")],
    ]);
    expect(
      treeIn('test', 'bench').filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports'),
    ).toEqual([]);
  });

  it('keeps the apps, the libs and the workflows free of SQL, and every source file under 600 lines', () => {
    expect(
      treeIn('apps', 'libs', 'workflows', 'bench').filter(
        (m) => m.ruleId === 'no-restricted-syntax' || m.ruleId === 'max-lines',
      ),
    ).toEqual([]);
  });

  it('leaves the apps and the bench clean', () => {
    expect(
      treeIn('apps', 'bench').filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports'),
    ).toEqual([]);
  });
});
