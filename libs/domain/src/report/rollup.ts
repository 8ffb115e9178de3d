import type { ReportForm, ReportValues } from './form';

type AggregateValue =
  number | boolean | string | null | { unitId: string; value: number | boolean | string }[];

/**
 * An implementing directive's aggregate as the implementing body's report on the directive it implements: each
 * field of the higher directive's form takes the aggregate's value of the same key — a number for a number (rounded
 * for a whole-number field), a count for a yes/no (true when any), the collected answers joined for a text (at
 * most 10,000 characters), the first collected answer for a choice. Fields the aggregate lacks stay out (a required
 * one then fails the form's check, and nothing is filed).
 */
export function rollUpValues(
  form: ReportForm,
  values: Record<string, AggregateValue | undefined>,
): ReportValues {
  const out: ReportValues = {};
  for (const f of form.fields) {
    const v = values[f.key];
    if (v === undefined || v === null) continue;
    const items = Array.isArray(v) ? v.map((i) => i.value) : [v];
    if (!items.length) continue;
    switch (f.type) {
      case 'integer':
      case 'decimal': {
        const nums = items.filter((i): i is number => typeof i === 'number');
        if (!nums.length) break;
        const n = Array.isArray(v) ? nums.reduce((a, b) => a + b, 0) : nums[0];
        out[f.key] = f.type === 'integer' ? Math.round(n) : n;
        break;
      }
      case 'boolean':
        out[f.key] = items.some((i) => i === true || (typeof i === 'number' && i > 0));
        break;
      case 'text':
        out[f.key] = items.map(String).join('\n').slice(0, 10_000);
        break;
      case 'choice': {
        const first = items.find((i) => typeof i === 'string' && f.choices?.includes(i));
        if (first !== undefined) out[f.key] = first;
        break;
      }
    }
  }
  return out;
}
