/**
 * Report forms as data: what a directive asks each unit to report every cycle, how each field is validated, and how
 * it aggregates upward (sum, min, max, average, count of true, collect). Aggregates are partial and associative: a
 * district's aggregate is itself an input of the province's, so an average carries its sum and count, and the
 * result at any level equals aggregating all the grassroots reports at once.
 */
export type FieldType = 'integer' | 'decimal' | 'boolean' | 'text' | 'choice';
export type Aggregation = 'sum' | 'min' | 'max' | 'average' | 'countTrue' | 'collect';

export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** For `choice` fields. */
  choices?: string[];
  /** For numeric fields. */
  min?: number;
  max?: number;
  aggregate: Aggregation;
}

export interface ReportForm {
  fields: FormField[];
}

export type ReportValues = Record<string, number | boolean | string | null>;

const KEY = /^[a-z][a-zA-Z0-9_]{0,63}$/;
const ALLOWED: Record<FieldType, readonly Aggregation[]> = {
  integer: ['sum', 'min', 'max', 'average', 'collect'],
  decimal: ['sum', 'min', 'max', 'average', 'collect'],
  boolean: ['countTrue', 'collect'],
  text: ['collect'],
  choice: ['collect'],
};

/** Problems with a form definition, `field: message`; empty when valid. */
export function formProblems(form: ReportForm): string[] {
  const problems: string[] = [];
  if (!Array.isArray(form?.fields) || form.fields.length === 0) return ['fields: at least one field'];
  if (form.fields.length > 200) problems.push('fields: at most 200');
  const seen = new Set<string>();
  form.fields.forEach((f, i) => {
    const at = `fields.${i}`;
    if (!f || typeof f !== 'object') return void problems.push(`${at}: must be a field definition`);
    if (!KEY.test(f.key ?? ''))
      problems.push(`${at}.key: letters, digits and _, starting with a lower-case letter`);
    else if (seen.has(f.key)) problems.push(`${at}.key: ${f.key} is used twice`);
    seen.add(f.key);
    if (!f.label?.trim()) problems.push(`${at}.label: required`);
    if (!(f.type in ALLOWED)) problems.push(`${at}.type: one of ${Object.keys(ALLOWED).join(', ')}`);
    else if (!ALLOWED[f.type].includes(f.aggregate)) {
      problems.push(`${at}.aggregate: a ${f.type} field aggregates by ${ALLOWED[f.type].join(', ')}`);
    }
    if (f.type === 'choice' && !(Array.isArray(f.choices) && f.choices.length > 0))
      problems.push(`${at}.choices: required for a choice`);
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) problems.push(`${at}.max: below min`);
  });
  return problems;
}

/** Problems with a unit's report against the form, `key: message`; empty when valid. Unknown keys are errors. */
export function reportProblems(form: ReportForm, values: ReportValues): string[] {
  const problems: string[] = [];
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(values ?? {}))
    if (!byKey.has(key)) problems.push(`${key}: not a field of this form`);
  for (const f of form.fields) {
    const v = values?.[f.key];
    if (v === undefined || v === null || v === '') {
      if (f.required) problems.push(`${f.key}: required`);
      continue;
    }
    switch (f.type) {
      case 'integer':
      case 'decimal':
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${f.key}: must be a number`);
        else if (f.type === 'integer' && !Number.isInteger(v))
          problems.push(`${f.key}: must be a whole number`);
        else if (f.min !== undefined && v < f.min) problems.push(`${f.key}: must be at least ${f.min}`);
        else if (f.max !== undefined && v > f.max) problems.push(`${f.key}: must be at most ${f.max}`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${f.key}: must be true or false`);
        break;
      case 'text':
        if (typeof v !== 'string') problems.push(`${f.key}: must be text`);
        else if (v.length > 10_000) problems.push(`${f.key}: at most 10000 characters`);
        break;
      case 'choice':
        if (typeof v !== 'string' || !f.choices?.includes(v))
          problems.push(`${f.key}: must be one of ${f.choices?.join(', ')}`);
        break;
    }
  }
  return problems;
}

/** A partial aggregate of one field: enough to combine with others and to read the value. */
export type FieldAggregate =
  | { kind: 'sum'; sum: number; count: number }
  | { kind: 'min' | 'max'; value: number | null; count: number }
  | { kind: 'average'; sum: number; count: number }
  | { kind: 'countTrue'; trues: number; count: number }
  | { kind: 'collect'; items: { unitId: string; value: number | boolean | string }[] };

export interface Coverage {
  expected: number;
  onTime: number;
  late: number;
  missing: number;
  missingUnits: string[];
}

export interface Aggregate {
  fields: Record<string, FieldAggregate>;
  coverage: Coverage;
  /** The grassroots units whose reports the aggregate contains (to keep combinations exact). */
  units: string[];
}

export interface UnitReport {
  unitId: string;
  values: ReportValues;
  late: boolean;
}

function empty(f: FormField): FieldAggregate {
  switch (f.aggregate) {
    case 'sum':
      return { kind: 'sum', sum: 0, count: 0 };
    case 'min':
    case 'max':
      return { kind: f.aggregate, value: null, count: 0 };
    case 'average':
      return { kind: 'average', sum: 0, count: 0 };
    case 'countTrue':
      return { kind: 'countTrue', trues: 0, count: 0 };
    case 'collect':
      return { kind: 'collect', items: [] };
  }
}

function addValue(a: FieldAggregate, unitId: string, v: number | boolean | string): FieldAggregate {
  switch (a.kind) {
    case 'sum':
    case 'average':
      return { ...a, sum: a.sum + (v as number), count: a.count + 1 };
    case 'min':
      return {
        ...a,
        value: a.value === null ? (v as number) : Math.min(a.value, v as number),
        count: a.count + 1,
      };
    case 'max':
      return {
        ...a,
        value: a.value === null ? (v as number) : Math.max(a.value, v as number),
        count: a.count + 1,
      };
    case 'countTrue':
      return { ...a, trues: a.trues + (v === true ? 1 : 0), count: a.count + 1 };
    case 'collect':
      return { ...a, items: [...a.items, { unitId, value: v }] };
  }
}

function merge(a: FieldAggregate, b: FieldAggregate): FieldAggregate {
  if (a.kind !== b.kind) throw new Error(`cannot combine a ${a.kind} aggregate with a ${b.kind} one`);
  switch (a.kind) {
    case 'sum':
    case 'average': {
      const o = b as typeof a;
      return { ...a, sum: a.sum + o.sum, count: a.count + o.count };
    }
    case 'min':
    case 'max': {
      const o = b as typeof a;
      const pick = a.kind === 'min' ? Math.min : Math.max;
      const value = a.value === null ? o.value : o.value === null ? a.value : pick(a.value, o.value);
      return { ...a, value, count: a.count + o.count };
    }
    case 'countTrue': {
      const o = b as typeof a;
      return { ...a, trues: a.trues + o.trues, count: a.count + o.count };
    }
    case 'collect':
      return { ...a, items: [...a.items, ...(b as typeof a).items] };
  }
}

/**
 * Aggregates the reports of a node's subordinates. `expected` lists the units that should have reported (leaf units
 * directly; for sub-aggregates pass them in `children`); coverage says who was on time, late or missing.
 */
export function aggregate(
  form: ReportForm,
  {
    reports = [],
    children = [],
    expected = [],
  }: { reports?: UnitReport[]; children?: Aggregate[]; expected?: string[] },
): Aggregate {
  const fields: Record<string, FieldAggregate> = Object.fromEntries(
    form.fields.map((f) => [f.key, empty(f)]),
  );
  const reported = new Map(reports.map((r) => [r.unitId, r]));
  let onTime = 0;
  let late = 0;
  const missingUnits: string[] = [];
  const units: string[] = [];
  for (const unitId of expected) {
    const report = reported.get(unitId);
    if (!report) {
      missingUnits.push(unitId);
      continue;
    }
    units.push(unitId);
    if (report.late) late++;
    else onTime++;
    for (const f of form.fields) {
      const v = report.values[f.key];
      if (v !== undefined && v !== null && v !== '') fields[f.key] = addValue(fields[f.key], unitId, v);
    }
  }
  const coverage: Coverage = {
    expected: expected.length,
    onTime,
    late,
    missing: missingUnits.length,
    missingUnits,
  };
  for (const child of children) {
    for (const f of form.fields) fields[f.key] = merge(fields[f.key], child.fields[f.key]);
    coverage.expected += child.coverage.expected;
    coverage.onTime += child.coverage.onTime;
    coverage.late += child.coverage.late;
    coverage.missing += child.coverage.missing;
    coverage.missingUnits.push(...child.coverage.missingUnits);
    units.push(...child.units);
  }
  return { fields, coverage, units };
}

/** The readable value of a field aggregate: a number, a count, a list, or null when nothing was reported. */
export function aggregateValue(
  a: FieldAggregate,
): number | null | { unitId: string; value: number | boolean | string }[] {
  switch (a.kind) {
    case 'sum':
      return a.sum;
    case 'min':
    case 'max':
      return a.value;
    case 'average':
      return a.count ? a.sum / a.count : null;
    case 'countTrue':
      return a.trues;
    case 'collect':
      return a.items;
  }
}

/**
 * One unit's reports of an ad hoc stream ("kịp thời": each report a new event, none replacing another) as one
 * partial aggregate: every report's values added (a sum sums them, a collect lists each), the unit counted once as
 * having reported.
 */
export function streamAggregate(
  form: ReportForm,
  unitId: string,
  reports: readonly ReportValues[],
): Aggregate {
  const merged = aggregate(form, {
    children: reports.map((values) =>
      aggregate(form, { expected: [unitId], reports: [{ unitId, values, late: false }] }),
    ),
  });
  return {
    fields: merged.fields,
    coverage: {
      expected: 1,
      onTime: reports.length ? 1 : 0,
      late: 0,
      missing: reports.length ? 0 : 1,
      missingUnits: reports.length ? [] : [unitId],
    },
    units: [unitId],
  };
}
