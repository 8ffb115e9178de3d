/**
 * The web app's vocabulary against the codes the system answers with: every value of the domain's enums (statuses,
 * roles, unit kinds, policies, ladder rungs, field types, document types, review decisions), every event type the
 * audit trail records and every error code the API emits has its Vietnamese and its English words. The values are
 * read from the sources themselves (type unions parsed with the TypeScript compiler, enums imported, string codes
 * found in the API's code), so adding one without words fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { DOC_TYPE_CODES, ROLES, UNIT_KINDS } from '@cascade/domain';
import { ERROR } from '../../apps/web/src/words/errors';
import { VOCABULARY, type Words } from '../../apps/web/src/words/vocabulary';

const ROOT = join(__dirname, '..', '..');

/** The string literals of `type name = 'a' | 'b'` (or of an interface's property, `Interface.property`) in `file`. */
function literals(file: string, name: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const [typeName, property] = name.split('.');
  const found: string[] = [];
  const collect = (node: ts.Node) => {
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) found.push(node.literal.text);
    ts.forEachChild(node, collect);
  };
  source.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === typeName) collect(node.type);
    if (ts.isInterfaceDeclaration(node) && node.name.text === typeName)
      for (const m of node.members)
        if (ts.isPropertySignature(m) && m.name.getText() === property && m.type) collect(m.type);
  });
  if (!found.length) throw new Error(`${file}: no string literals in ${name}`);
  return found;
}

function files(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir))) {
    const path = join(dir, entry);
    if (statSync(join(ROOT, path)).isDirectory()) files(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}
const text = (dir: string) => files(dir).map((f) => readFileSync(join(ROOT, f), 'utf8'));

/** The API's error codes: its *-error-codes enums, and codes it throws as plain strings. */
function errorCodes(): string[] {
  const codes = new Set<string>();
  for (const source of text('apps/api/src')) {
    for (const m of source.matchAll(/export enum \w*ErrorCode \{([^}]*)\}/g))
      for (const v of m[1].matchAll(/=\s*'([A-Z_]+)'/g)) codes.add(v[1]);
    for (const m of source.matchAll(/new ApiError\(\s*[\w.]+,\s*'([A-Z_]+)'/g)) codes.add(m[1]);
    for (const m of source.matchAll(/\?\s*CommonErrorCode\.\w+\s*:\s*'([A-Z_]+)'/g)) codes.add(m[1]);
  }
  return [...codes].sort();
}

/** The audit trail's event types: every `action: '…'` the API, the worker and the workflows record. */
function eventTypes(): string[] {
  const actions = new Set<string>();
  for (const source of [
    ...text('apps/api/src'),
    ...text('apps/worker/src'),
    ...text('workflows'),
    ...text('libs/persistence/src'),
  ]) {
    for (const m of source.matchAll(/\baction: '([a-z][a-z_.]*)'/g)) actions.add(m[1]);
    // actions named as dotted literals (`review.${…}` is spelt out beside it, escalations by their level)
    for (const m of source.matchAll(
      /'((?:review|report|escalated|recall|cycle|dispatch|acknowledgement)\.[a-z_-]+)'/g,
    ))
      actions.add(m[1]);
    for (const m of source.matchAll(/action IN \(([^)]*)\)/g))
      for (const v of m[1].matchAll(/'([a-z][a-z_.]*)'/g)) actions.add(v[1]);
  }
  return [...actions].sort();
}

/** The statuses the routing tables hold: every `status = '…'` and `status IN ('…')` of the routing queries. */
function nodeStatuses(): string[] {
  const found = new Set<string>();
  for (const f of files('libs/persistence/src').filter((f) => /routing[^/]*\.ts$/.test(f))) {
    const source = readFileSync(join(ROOT, f), 'utf8');
    for (const m of source.matchAll(/\bstatus = '([a-z_-]+)'/g)) found.add(m[1]);
    for (const m of source.matchAll(/\bstatus IN \(([^)]*)\)/g))
      for (const v of m[1].matchAll(/'([a-z_-]+)'/g)) found.add(v[1]);
  }
  return [...found].sort();
}

const missing = (table: Record<string, Words>, values: readonly string[]) =>
  values.filter((v) => !table[v]?.vi?.trim() || !table[v]?.en?.trim());

describe('the web vocabulary', () => {
  it.each([
    ['DIRECTIVE_STATUS', literals('libs/domain/src/directive/document.ts', 'DirectiveStatus')],
    ['ROLE', [...ROLES]],
    ['UNIT_KIND', [...UNIT_KINDS]],
    ['DOC_TYPE', DOC_TYPE_CODES],
    ['POLICY', literals('libs/domain/src/calendar/schedule.ts', 'NonWorkingDayPolicy')],
    ['FIELD_TYPE', literals('libs/domain/src/report/form.ts', 'FieldType')],
    ['AGGREGATION', literals('libs/domain/src/report/form.ts', 'Aggregation')],
    ['PERIOD_EVERY', literals('libs/domain/src/calendar/schedule.ts', 'PeriodicSchedule.every')],
    ['LADDER_STEP', literals('libs/domain/src/report/ladder.ts', 'CycleStepKind')],
    ['LADDER_LEVEL', literals('libs/persistence/src/reporting.ts', 'EscalationLevel')],
    ['REVIEW_DECISION', literals('libs/contracts/src/directive.contract.ts', 'ReviewInput.decision')],
    ['EVENT', eventTypes()],
  ] as const)('has Vietnamese and English words for every %s', (table, values) => {
    expect(values.length).toBeGreaterThan(1);
    expect(missing(VOCABULARY[table], values)).toEqual([]);
  });

  it("has words for every routing status (a directive's or a unit's)", () => {
    const statuses = nodeStatuses();
    expect(statuses).toEqual(expect.arrayContaining(['delivered', 'accepted', 'pending']));
    const table = { ...VOCABULARY.DIRECTIVE_STATUS, ...VOCABULARY.NODE_STATUS };
    expect(missing(table, statuses)).toEqual([]);
  });

  it('says what to do for every error code the API emits', () => {
    const codes = errorCodes();
    // the enums were found (a renamed file would otherwise make this pass with nothing to check)
    expect(codes).toEqual(
      expect.arrayContaining([
        'VALIDATION_FAILED',
        'UNAUTHENTICATED',
        'DIRECTIVE_REVIEW_CHAIN_EMPTY',
        'UNIT_NOT_FOUND',
      ]),
    );
    expect(missing(ERROR, codes)).toEqual([]);
  });

  it('gives different words in the two languages, and no raw code as Vietnamese words', () => {
    for (const [name, table] of Object.entries({ ...VOCABULARY, ERROR }))
      for (const [code, words] of Object.entries(table as Record<string, Words>)) {
        expect([name, code, words.vi === code]).toEqual([name, code, false]);
        expect([name, code, /^[a-z_.-]+$/.test(words.vi)]).toEqual([name, code, false]);
      }
  });
});
