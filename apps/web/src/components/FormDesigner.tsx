import { Button, Checkbox, Form, Input, InputNumber, Select, type FormInstance } from 'antd';
import type { Aggregation, FieldType, FormField } from '@cascade/domain';
import { useApp } from '../context';
import type { ItemName } from '../forms';
import { AGGREGATION, FIELD_TYPE } from '../words/vocabulary';

/**
 * The aggregations the domain accepts for each field type (libs/domain report/form.ts), the first the default: the
 * component test checks every one offered against formProblems, so the two cannot drift apart unseen.
 */
export const AGGREGATIONS_OF: Record<FieldType, Aggregation[]> = {
  integer: ['sum', 'min', 'max', 'average', 'collect'],
  decimal: ['sum', 'min', 'max', 'average', 'collect'],
  boolean: ['countTrue', 'collect'],
  text: ['collect'],
  choice: ['collect'],
};
const FIELD_TYPES = Object.keys(AGGREGATIONS_OF) as FieldType[];
const KEY = /^[a-z][a-zA-Z0-9_]{0,63}$/;
const numeric = (type: FieldType) => type === 'integer' || type === 'decimal';

/** A designed field as the API takes it: only the parts its type has (choices for a choice, bounds for a number). */
function definition(f: Partial<FormField>): FormField {
  const type = f.type ?? 'integer';
  const aggregate =
    f.aggregate && AGGREGATIONS_OF[type].includes(f.aggregate) ? f.aggregate : AGGREGATIONS_OF[type][0];
  return {
    key: (f.key ?? '').trim(),
    label: (f.label ?? '').trim(),
    type,
    required: !!f.required,
    aggregate,
    ...(type === 'choice' ? { choices: (f.choices ?? []).map((c) => c.trim()).filter(Boolean) } : {}),
    ...(numeric(type) && typeof f.min === 'number' ? { min: f.min } : {}),
    ...(numeric(type) && typeof f.max === 'number' ? { max: f.max } : {}),
  };
}

/** Where a server problem with `reporting.form.<rest>` is shown in the designer. */
export function designerItem(rest: ItemName): ItemName | null {
  const [list, index, part] = rest;
  if (list !== 'fields') return null;
  if (typeof index !== 'number') return ['fields', 0, 'label'];
  const parts = ['label', 'key', 'type', 'choices', 'min', 'max', 'aggregate'];
  return ['fields', index, typeof part === 'string' && parts.includes(part) ? part : 'label'];
}

/**
 * The report form a directive asks for: one row per field (its label, key, type, aggregation, whether it is required,
 * a choice's options, a number's bounds), each checked beside it as the domain checks it. `onChange` gets the
 * definition the API takes (FormField[]) at every change.
 */
export function FormDesigner({
  fields,
  onChange,
  form: given,
}: {
  fields: FormField[];
  onChange: (f: FormField[]) => void;
  form?: FormInstance;
}) {
  const { t, say } = useApp();
  const [own] = Form.useForm();
  const form = given ?? own;
  const emit = () => {
    const all = (form.getFieldValue('fields') as Partial<FormField>[] | undefined) ?? [];
    onChange(all.map(definition));
  };
  return (
    <fieldset data-testid="form-designer">
      <legend>{t('reportForm')}</legend>
      <Form
        form={form}
        name="designer"
        component={false}
        layout="vertical"
        initialValues={{ fields }}
        onValuesChange={(changed: { fields?: (Partial<FormField> | undefined)[] }) => {
          // a new type: the aggregation it had may not be one this type takes
          (changed.fields ?? []).forEach((c, i) => {
            if (!c?.type) return;
            const aggregate = form.getFieldValue(['fields', i, 'aggregate']) as Aggregation;
            if (!AGGREGATIONS_OF[c.type].includes(aggregate))
              form.setFieldValue(['fields', i, 'aggregate'], AGGREGATIONS_OF[c.type][0]);
          });
          emit();
        }}
      >
        <Form.List name="fields">
          {(rows, { add, remove }) => (
            <>
              {rows.map(({ key, name }) => (
                <div key={key} className="row" data-testid={`designed-${name}`}>
                  <Form.Item
                    label={t('fieldLabel')}
                    name={[name, 'label']}
                    rules={[{ required: true, whitespace: true, message: t('needed') }]}
                  >
                    <Input />
                  </Form.Item>
                  <Form.Item
                    label={t('fieldKey')}
                    name={[name, 'key']}
                    rules={[
                      { required: true, message: t('needed') },
                      { pattern: KEY, message: t('keyRule') },
                      {
                        validator: async (_, value: string) => {
                          const all = form.getFieldValue('fields') as Partial<FormField>[];
                          if (all.some((f, i) => i !== name && f?.key === value))
                            throw new Error(t('keyTwice'));
                        },
                      },
                    ]}
                  >
                    <Input />
                  </Form.Item>
                  <Form.Item label={t('fieldType')} name={[name, 'type']}>
                    <Select options={FIELD_TYPES.map((x) => ({ value: x, label: say(FIELD_TYPE, x) }))} />
                  </Form.Item>
                  <Form.Item noStyle dependencies={[['fields', name, 'type']]}>
                    {() => (
                      <TypeParts
                        name={name}
                        type={(form.getFieldValue(['fields', name, 'type']) as FieldType) ?? 'integer'}
                      />
                    )}
                  </Form.Item>
                  <Form.Item name={[name, 'required']} valuePropName="checked">
                    <Checkbox>{t('required')}</Checkbox>
                  </Form.Item>
                  <Button
                    onClick={() => {
                      remove(name);
                      emit();
                    }}
                  >
                    {t('remove')}
                  </Button>
                </div>
              ))}
              <Button
                onClick={() => {
                  add({
                    key: `field${rows.length + 1}`,
                    label: '',
                    type: 'integer',
                    required: true,
                    aggregate: 'sum',
                  });
                  emit();
                }}
              >
                {t('addField')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </fieldset>
  );
}

/** The parts of a field its type has: how it aggregates, a choice's options, a number's bounds. */
function TypeParts({ name, type }: { name: number; type: FieldType }) {
  const { t, say } = useApp();
  return (
    <>
      <Form.Item label={t('aggregateBy')} name={[name, 'aggregate']}>
        <Select options={AGGREGATIONS_OF[type].map((a) => ({ value: a, label: say(AGGREGATION, a) }))} />
      </Form.Item>
      {type === 'choice' && (
        <Form.Item
          label={t('choices')}
          name={[name, 'choices']}
          rules={[{ required: true, type: 'array', min: 1, message: t('choicesNeeded') }]}
        >
          <Select mode="tags" tokenSeparators={[';']} open={false} suffixIcon={null} />
        </Form.Item>
      )}
      {numeric(type) && (
        <>
          <Form.Item label={t('minValue')} name={[name, 'min']}>
            <InputNumber precision={type === 'integer' ? 0 : undefined} />
          </Form.Item>
          <Form.Item
            label={t('maxValue')}
            name={[name, 'max']}
            dependencies={[['fields', name, 'min']]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, max: number | null) => {
                  const min = getFieldValue(['fields', name, 'min']) as number | null;
                  if (typeof max === 'number' && typeof min === 'number' && max < min)
                    throw new Error(t('maxBelowMin'));
                },
              }),
            ]}
          >
            <InputNumber precision={type === 'integer' ? 0 : undefined} />
          </Form.Item>
        </>
      )}
    </>
  );
}
