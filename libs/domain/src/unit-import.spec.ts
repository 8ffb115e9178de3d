import { pathLabel } from './organisation';
import { planUnitImport, type ExistingUnit, type ImportRow } from './unit-import';

let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
const everywhere = () => true;

const row = (
  line: number,
  code: string,
  parentCode: string | null,
  extra: Partial<ImportRow> = {},
): ImportRow => ({
  line,
  code,
  name: `Đơn vị ${code}`,
  kind: 'federation',
  parentCode,
  ...extra,
});

function existing(code: string, id: string, parent: ExistingUnit | null): ExistingUnit {
  return {
    id,
    code,
    symbol: code,
    name: `Đơn vị ${code}`,
    kind: 'federation',
    parentId: parent?.id ?? null,
    path: parent ? `${parent.path}.${pathLabel(id)}` : pathLabel(id),
    active: true,
  };
}

describe('planUnitImport', () => {
  beforeEach(() => (counter = 0));

  it('takes electronic identification codes: validated, upper-cased, one unit each, kept when absent', () => {
    const a = { ...existing('A', newId(), null), edxmlCode: '000.00.00.H53' };
    const b = existing('B', newId(), a);
    const plan = planUnitImport(
      [
        row(2, 'A', null, { name: a.name }),
        row(3, 'B', 'A', { edxmlCode: ' 000.00.31.h53 ' }),
        row(4, 'C', 'A', { edxmlCode: '000.00.31.H53' }),
        row(5, 'D', 'A', { edxmlCode: '000.00.00.H53' }),
        row(6, 'E', 'A', { edxmlCode: 'H53' }),
      ],
      { existing: [a, b], newId, mayPlaceUnder: everywhere, maySee: everywhere },
    );
    expect(plan.unchanged.map((u) => u.code)).toEqual(['A']);
    expect(plan.writes.find((w) => w.code === 'B')!.edxmlCode).toBe('000.00.31.H53');
    expect(plan.rejected).toEqual([
      { line: 4, code: 'C', field: 'edxmlCode', reason: '000.00.31.H53: duplicate of line 3' },
      { line: 5, code: 'D', field: 'edxmlCode', reason: '000.00.00.H53 is already used by another unit' },
      {
        line: 6,
        code: 'E',
        field: 'edxmlCode',
        reason: 'must be an electronic identification code such as 000.00.00.H53 (Decision 20/2020/QĐ-TTg)',
      },
    ]);
  });

  it('creates a tree given children before parents, with paths', () => {
    const plan = planUnitImport([row(2, 'C', 'B'), row(3, 'B', 'A'), row(4, 'A', null)], {
      existing: [],
      newId,
      mayPlaceUnder: everywhere,
      maySee: everywhere,
    });
    expect(plan.rejected).toEqual([]);
    expect(plan.created.map((c) => c.code)).toEqual(['C', 'B', 'A']);
    const byCode = new Map(plan.writes.map((w) => [w.code, w]));
    expect(byCode.get('C')!.path).toBe(
      [byCode.get('A')!, byCode.get('B')!, byCode.get('C')!].map((w) => pathLabel(w.id)).join('.'),
    );
    expect(byCode.get('A')!.parentId).toBeNull();
  });

  it('rejects a bad row and the rows below it, keeping the rest', () => {
    const plan = planUnitImport(
      [
        row(2, 'A', null),
        row(3, 'B', 'A', { kind: 'province' }),
        row(4, 'C', 'B'),
        row(5, 'D', 'A'),
        row(6, 'E', 'NOPE'),
      ],
      { existing: [], newId, mayPlaceUnder: everywhere, maySee: everywhere },
    );
    expect(plan.created.map((c) => c.code).sort()).toEqual(['A', 'D']);
    expect(plan.rejected).toEqual([
      { line: 3, code: 'B', field: 'kind', reason: expect.stringContaining('must be one of') },
      { line: 4, code: 'C', field: 'parentCode', reason: 'parent B (line 3) was rejected' },
      { line: 6, code: 'E', field: 'parentCode', reason: 'unknown parent NOPE' },
    ]);
  });

  it('rejects duplicates (the later row) and missing fields, naming the field', () => {
    const plan = planUnitImport(
      [row(2, 'A', null), row(3, 'A', null), { line: 4, code: 'B', kind: 'federation' }, { line: 5 }],
      {
        existing: [],
        newId,
        mayPlaceUnder: everywhere,
        maySee: everywhere,
      },
    );
    expect(plan.rejected).toEqual([
      { line: 3, code: 'A', field: 'code', reason: 'duplicate of line 2' },
      { line: 4, code: 'B', field: 'name', reason: 'is required' },
      { line: 5, code: null, field: 'code', reason: 'is required' },
    ]);
  });

  it('rejects cycles within the file', () => {
    const plan = planUnitImport([row(2, 'A', 'B'), row(3, 'B', 'A'), row(4, 'C', null)], {
      existing: [],
      newId,
      mayPlaceUnder: everywhere,
      maySee: everywhere,
    });
    expect(plan.created.map((c) => c.code)).toEqual(['C']);
    expect(plan.rejected.map((r) => [r.code, r.field])).toEqual([
      ['A', 'parentCode'],
      ['B', 'parentCode'],
    ]);
    expect(plan.rejected[0].reason).toMatch(/^cycle: A → B → A$/);
  });

  it('rejects a cycle through existing units (moving a unit under its own descendant)', () => {
    const a = existing('A', '10000000-0000-4000-8000-000000000001', null);
    const b = existing('B', '10000000-0000-4000-8000-000000000002', a);
    const plan = planUnitImport([row(2, 'A', 'B')], {
      existing: [a, b],
      newId,
      mayPlaceUnder: everywhere,
      maySee: everywhere,
    });
    expect(plan.rejected[0]).toMatchObject({
      code: 'A',
      field: 'parentCode',
      reason: expect.stringMatching(/^cycle/),
    });
    expect(plan.writes).toEqual([]);
  });

  it('upserts by code: unchanged rows write nothing, changed rows update, moves carry their subtree', () => {
    const a = existing('A', '10000000-0000-4000-8000-000000000001', null);
    const b = existing('B', '10000000-0000-4000-8000-000000000002', a);
    const c = existing('C', '10000000-0000-4000-8000-000000000003', b);
    const d = existing('D', '10000000-0000-4000-8000-000000000004', a);
    const plan = planUnitImport(
      [row(2, 'A', null), row(3, 'B', 'D'), row(4, 'D', 'A', { name: 'Tên mới' })],
      {
        existing: [a, b, c, d],
        newId,
        mayPlaceUnder: everywhere,
        maySee: everywhere,
      },
    );
    expect(plan.unchanged.map((u) => u.code)).toEqual(['A']);
    expect(plan.updated.map((u) => u.code).sort()).toEqual(['B', 'D']);
    const byCode = new Map(plan.writes.map((w) => [w.code, w]));
    expect(byCode.get('B')!.movedFrom).toBe(a.id);
    expect(byCode.get('B')!.path).toBe(`${d.path}.${pathLabel(b.id)}`);
    // C was not in the file, but it moves with B.
    expect(byCode.get('C')!.path).toBe(`${d.path}.${pathLabel(b.id)}.${pathLabel(c.id)}`);
    expect(byCode.get('D')!.name).toBe('Tên mới');
  });

  it('normalizes text (NFD, tabs, non-breaking spaces) before storing', () => {
    const plan = planUnitImport(
      [row(2, 'LĐLĐ'.normalize('NFD'), null, { name: '\tLiên\u00a0đoàn'.normalize('NFD') })],
      {
        existing: [],
        newId,
        mayPlaceUnder: everywhere,
        maySee: everywhere,
      },
    );
    expect(plan.writes[0]).toMatchObject({ code: 'LĐLĐ', name: 'Liên đoàn' });
  });

  it('rejects rows the importer may not place, and the rows below them', () => {
    const root = existing('R', '10000000-0000-4000-8000-000000000001', null);
    const mine = existing('M', '10000000-0000-4000-8000-000000000002', root);
    const plan = planUnitImport([row(2, 'N', 'M'), row(3, 'O', 'R'), row(4, 'P', 'O'), row(5, 'Q', null)], {
      existing: [root, mine],
      newId,
      mayPlaceUnder: (parent) =>
        parent?.id === mine.id || (parent?.path.startsWith(`${mine.path}.`) ?? false),
      maySee: everywhere,
    });
    expect(plan.created.map((c) => c.code)).toEqual(['N']);
    expect(plan.rejected.map((r) => [r.code, r.reason])).toEqual([
      ['O', 'not permitted to place a unit under R'],
      ['P', 'parent O (line 3) was rejected'],
      ['Q', 'not permitted to create a root unit'],
    ]);
  });

  describe('against the tenant next door (issue 17)', () => {
    // A → X (the importer administers A), and another tree B → B1 that it does not even see.
    const a = existing('A', '20000000-0000-4000-8000-00000000000a', null);
    const x = existing('X', '20000000-0000-4000-8000-0000000000a1', a);
    const b = existing('B', '20000000-0000-4000-8000-00000000000b', null);
    const b1 = existing('B1', '20000000-0000-4000-8000-0000000000b1', b);
    const under = (unit: ExistingUnit) => (path: string) =>
      path === unit.path || path.startsWith(`${unit.path}.`);
    const ctx = {
      existing: [a, x, b, b1],
      newId,
      mayPlaceUnder: (parent: { path: string } | null) => parent !== null && under(a)(parent.path),
      maySee: (unit: { path: string }) => under(a)(unit.path),
    };

    it('does not move X into the other tree by planning B1 under A in the same file', () => {
      const plan = planUnitImport([row(2, 'X', 'B1'), row(3, 'B1', 'A')], ctx);
      expect(plan.writes).toEqual([]);
      expect(plan.updated).toEqual([]);
      expect(plan.rejected).toEqual([
        { line: 2, code: 'X', field: 'parentCode', reason: 'parent B1 (line 3) was rejected' },
        { line: 3, code: 'B1', field: 'code', reason: 'B1 is already used by another unit' },
      ]);
    });

    it('does not create a unit inside the other tree either', () => {
      const plan = planUnitImport([row(2, 'N', 'B1'), row(3, 'B1', 'A'), row(4, 'N2', 'N')], ctx);
      expect(plan.writes).toEqual([]);
      expect(plan.rejected.map((r) => [r.code, r.reason])).toEqual([
        ['N', 'parent B1 (line 3) was rejected'],
        ['B1', 'B1 is already used by another unit'],
        ['N2', 'parent N (line 2) was rejected'],
      ]);
    });

    it('checks a visible parent where the database has it, not where a refused row would move it', () => {
      // The importer sees C (a viewer's grant) but does not administer it; the file moves C under A (refused: C is
      // not the importer's to change) and places Y under C.
      const c = existing('C', '20000000-0000-4000-8000-0000000000c1', b);
      const plan = planUnitImport([row(2, 'Y', 'C'), row(3, 'C', 'A')], {
        ...ctx,
        existing: [...ctx.existing, c],
        maySee: (unit) => under(a)(unit.path) || unit.path === c.path,
      });
      expect(plan.writes).toEqual([]);
      expect(plan.rejected.map((r) => [r.code, r.reason])).toEqual([
        ['Y', 'not permitted to place a unit under C'],
        ['C', 'not permitted to change C'],
      ]);
    });

    it('answers a parent it may not see exactly like one that does not exist', () => {
      const hidden = planUnitImport([row(2, 'N', 'B')], ctx).rejected;
      const missing = planUnitImport([row(2, 'N', 'NOPE')], ctx).rejected;
      expect(hidden).toEqual([{ line: 2, code: 'N', field: 'parentCode', reason: 'unknown parent B' }]);
      expect(missing).toEqual([{ line: 2, code: 'N', field: 'parentCode', reason: 'unknown parent NOPE' }]);
    });

    it('still moves and creates within its own tree, through parents new in the file', () => {
      const plan = planUnitImport([row(2, 'X', 'N'), row(3, 'N', 'A'), row(4, 'M', 'X')], ctx);
      expect(plan.rejected).toEqual([]);
      expect(plan.created.map((c) => c.code).sort()).toEqual(['M', 'N']);
      expect(plan.updated.map((c) => c.code)).toEqual(['X']);
      const byCode = new Map(plan.writes.map((w) => [w.code, w]));
      expect(byCode.get('X')!.path).toBe(`${a.path}.${pathLabel(byCode.get('N')!.id)}.${pathLabel(x.id)}`);
    });
  });
});
