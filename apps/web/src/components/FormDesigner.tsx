import type { Aggregation, FieldType } from '@cascade/domain';
import { useApp } from '../context';
import { FIELD_TYPE } from '../words/vocabulary';

export interface DesignedField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  choices?: string[];
}
/** How each of the domain's field types aggregates by default. */
export const AGGREGATE_OF: Record<FieldType, Aggregation> = {
  integer: 'sum',
  decimal: 'sum',
  boolean: 'countTrue',
  text: 'collect',
  choice: 'collect',
};
const FIELD_TYPES = Object.keys(AGGREGATE_OF) as FieldType[];

/** The report form a directive asks for: one row per field (a key, its label, its type, whether it is required). */
export function FormDesigner({
  fields,
  onChange,
}: {
  fields: DesignedField[];
  onChange: (f: DesignedField[]) => void;
}) {
  const { t, say } = useApp();
  const set = (i: number, patch: Partial<DesignedField>) =>
    onChange(fields.map((f, k) => (k === i ? { ...f, ...patch } : f)));
  return (
    <fieldset data-testid="form-designer">
      <legend>{t('reportForm')}</legend>
      {fields.map((f, i) => (
        <div key={i} className="row">
          <label>
            {t('fieldLabel')}
            <input value={f.label} onChange={(e) => set(i, { label: e.target.value })} />
          </label>
          <label>
            {t('fieldKey')}
            <input
              value={f.key}
              pattern="[a-z][a-zA-Z0-9_]*"
              onChange={(e) => set(i, { key: e.target.value })}
            />
          </label>
          <label>
            {t('fieldType')}
            <select
              value={f.type}
              onChange={(e) => set(i, { type: e.target.value as DesignedField['type'] })}
            >
              {FIELD_TYPES.map((x) => (
                <option key={x} value={x}>
                  {say(FIELD_TYPE, x)}
                </option>
              ))}
            </select>
          </label>
          {f.type === 'choice' && (
            <label>
              {t('choices')}
              <input
                value={(f.choices ?? []).join('; ')}
                onChange={(e) =>
                  set(i, {
                    choices: e.target.value
                      .split(';')
                      .map((c) => c.trim())
                      .filter(Boolean),
                  })
                }
              />
            </label>
          )}
          <label className="check">
            <input
              type="checkbox"
              checked={f.required}
              onChange={(e) => set(i, { required: e.target.checked })}
            />
            {t('required')}
          </label>
          <button type="button" onClick={() => onChange(fields.filter((_, k) => k !== i))}>
            {t('remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          onChange([
            ...fields,
            { key: `field${fields.length + 1}`, label: '', type: 'integer', required: true },
          ])
        }
      >
        {t('addField')}
      </button>
    </fieldset>
  );
}
