import { useEffect, useState } from 'react';
import { Button, Form, Input, Select } from 'antd';
import type { ImportAnswer } from '@cascade/contracts';
import type { FormField, NonWorkingDayPolicy, Schedule } from '@cascade/domain';
import { Link, useNavigate } from 'react-router';
import { api, ApiFailure } from '../api';
import { needed as neededIn, useServerProblems, type ItemName } from '../forms';
import { DOC_TYPE, IMPORT_FIELD, POLICY } from '../words/vocabulary';
import { designerItem, FormDesigner } from '../components/FormDesigner';
import { Problem } from '../components/Problem';
import { scheduleItem, ScheduleEditor } from '../components/ScheduleEditor';
import { SchedulePreview } from '../components/SchedulePreview';
import { UnitPicker } from '../components/UnitPicker';
import { useApp } from '../context';
import { useLoad } from '../hooks';

/** The draft's own fields (the form and the schedule have their own forms). */
interface DraftValues {
  type: string;
  subject: string;
  addressees: string[];
  tasks: string;
  stagger: string;
  policy: NonWorkingDayPolicy;
}

const DOC_TYPES = ['KH', 'HD', 'CV', 'CT', 'TB', 'QD', 'BC'];
const POLICIES = ['previous-working-day', 'next-working-day', 'keep'] as const;
const STAGGER = /^\s*\d+(\s*,\s*\d+)*\s*$/;
const staggerOf = (text: string | undefined) =>
  STAGGER.test(text ?? '') ? text!.split(',').map((x) => Number(x.trim())) : [];

/** Where a server problem with the draft's own part is shown (`reporting.stagger` beside the stagger). */
function draftItem(rest: ItemName): ItemName | null {
  const [part, sub] = rest;
  if (part === 'reporting') return sub === 'stagger' ? ['stagger'] : sub === 'policy' ? ['policy'] : null;
  return typeof part === 'string' && ['type', 'subject', 'addressees', 'tasks'].includes(part)
    ? [part]
    : null;
}

/**
 * The composer: a directive imported from its text, then checked and completed in forms (antd Form) whose every field
 * says beside it what is wrong, the server's refusals included (each field it names on its Form.Item).
 */
export function Compose() {
  const { t, unit, say, lang } = useApp();
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  // each import starts the forms again from what it read
  const [imports, setImports] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // the addressees, picked among the issuer's subordinates (the import's resolution pre-selects them)
  const [below] = useLoad(
    () =>
      unit
        ? api<{ items: { id: string; name: string; code: string }[] }>(
            'GET',
            `/units/${unit.unitId}/tree?depth=1&limit=500`,
          )
        : Promise.resolve(null),
    [unit?.unitId],
  );
  const subordinates = (below?.items ?? []).filter((u) => u.id !== unit?.unitId);
  const read = async (body: string | FormData) => {
    setError(null);
    try {
      setAnswer(await api<ImportAnswer>('POST', `/directives/import?issuerId=${unit!.unitId}`, body));
      setImports((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  /** An import problem in words: the server's own (English) in English, what to do about the part in Vietnamese. */
  const problemWords = (p: { field: string; message: string }) =>
    lang === 'en'
      ? p.message
      : (PROBLEM_VI[p.field] ?? `${say(IMPORT_FIELD, p.field.split('.')[0])}: ${t('checkIt')}`);
  const fields = [
    'code',
    'documentType',
    'subject',
    'place',
    'issuedDate',
    'issuerName',
    'parentBodyName',
    'addressees',
    'tasks',
  ];
  const shown = (v: unknown) =>
    Array.isArray(v)
      ? v.length
        ? v.map((x) => String(x).split('\n')[0]).join(' · ')
        : '—'
      : typeof v === 'string' || typeof v === 'number'
        ? String(v)
        : '—';
  return (
    <section className="card">
      <h1>{t('compose')}</h1>
      <label>
        {t('pasteText')}
        <Input.TextArea rows={10} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <input
        type="file"
        aria-label={t('pasteText')}
        accept=".txt,.docx,.xml,.edxml"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          const form = new FormData();
          form.append('file', f);
          void read(form);
        }}
      />
      <Button onClick={() => void read(text)} disabled={!text.trim()}>
        {t('read')}
      </Button>
      <Problem text={error} />
      {answer && (
        <>
          <table>
            <thead>
              <tr>
                <th>{t('field')}</th>
                <th>{t('value')}</th>
                <th>{t('confidence')}</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((f) => (
                <tr key={f} data-field={f}>
                  <td>{say(IMPORT_FIELD, f)}</td>
                  <td>{shown(answer.parsed[f])}</td>
                  <td>
                    {answer.parsed.sources[f]?.[0]
                      ? `${Math.round(answer.parsed.sources[f][0].confidence * 100)} %`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {answer.problems.length > 0 && (
            <div role="status">
              <h2>{t('problems')}</h2>
              <ul>
                {answer.problems.map((p, i) => (
                  <li key={i} data-problem={p.field}>
                    {problemWords(p)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <DraftForms key={imports} answer={answer} subordinates={subordinates} />
        </>
      )}
    </section>
  );
}

/**
 * The draft read from one import, in three forms: its own fields, the schedule, the report form. A server's refusal
 * is placed beside each field it names; what no field takes is shown below, with the words that say what to do.
 */
function DraftForms({
  answer,
  subordinates,
}: {
  answer: ImportAnswer;
  subordinates: { id: string; name: string }[];
}) {
  const { t, say } = useApp();
  const navigate = useNavigate();
  // the draft once created: a second click submits it again, never creates another
  const [draftId, setDraftId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ text: string; placed: boolean; chain?: boolean } | null>(null);
  const [main] = Form.useForm<DraftValues>();
  const [designer] = Form.useForm();
  const [scheduling] = Form.useForm();
  const problems = useServerProblems([
    { prefix: '', form: main, item: draftItem },
    { prefix: 'reporting.form', form: designer, item: designerItem },
    { prefix: 'reporting.schedule', form: scheduling, item: scheduleItem },
  ]);
  const read = answer.draft.addressees as { mode: string; unitIds?: string[] };
  // "Các … trực thuộc": every unit below, each checked in the tree (once the tree has come)
  const everyone = read.mode === 'children';
  const [initial] = useState<DraftValues>(() => ({
    type: answer.draft.type ?? 'CV',
    subject: answer.draft.subject ?? '',
    addressees: everyone ? subordinates.map((u) => u.id) : (read.unitIds ?? []),
    tasks: answer.draft.tasks.join('\n\n'),
    stagger: '0, 2, 4',
    policy: 'previous-working-day',
  }));
  useEffect(() => {
    if (everyone && subordinates.length && !(main.getFieldValue('addressees') as string[]).length)
      main.setFieldValue(
        'addressees',
        subordinates.map((u) => u.id),
      );
  }, [everyone, subordinates.length]);
  // a directive read from text asks for reports but carries no form: one free-text answer to start from
  const [form, setForm] = useState<FormField[]>([
    { key: 'result', label: t('result'), type: 'text', required: true, aggregate: 'collect' },
  ]);
  // the schedule read from the text, editable; a text that asks for reports without a deadline: one to set
  const [schedule, setSchedule] = useState<Schedule | null>(
    () =>
      (answer.draft as { reporting?: { schedule: Schedule } }).reporting?.schedule ??
      (answer.problems.some((p) => p.field.startsWith('reporting'))
        ? { kind: 'monthly', rule: 'before', day: 15, from: new Date().toISOString().slice(0, 7) }
        : null),
  );
  const staggerDays = staggerOf(Form.useWatch('stagger', main));
  const policy = Form.useWatch('policy', main) ?? 'previous-working-day';
  const submit = async (id: string) => {
    try {
      await api('POST', `/directives/${id}/submit`, { version: 1 });
      void navigate(`/d/${id}`);
    } catch (e) {
      const f = e instanceof ApiFailure ? e : null;
      setFailure({
        text: f?.code === 'DIRECTIVE_REVIEW_CHAIN_EMPTY' ? t('chainMissingHint') : (e as Error).message,
        placed: false,
        chain: true,
      });
    }
  };
  const create = async () => {
    setFailure(null);
    problems.clear();
    // every form checked at once, each problem beside its field
    const checked = await Promise.allSettled([
      main.validateFields(),
      ...(schedule ? [designer.validateFields(), scheduling.validateFields()] : []),
    ]);
    if (checked.some((c) => c.status === 'rejected')) return;
    const v = main.getFieldsValue(true) as DraftValues;
    setBusy(true);
    try {
      if (draftId) return await submit(draftId);
      const draft = answer.draft as { reporting?: Record<string, unknown> };
      const reporting = (draft.reporting || schedule) && {
        ...draft.reporting,
        ...(schedule ? { schedule } : {}),
        stagger: staggerOf(v.stagger),
        policy: v.policy,
        form: { fields: form },
      };
      const all = subordinates.length > 0 && subordinates.every((u) => v.addressees.includes(u.id));
      const d = await api<{ id: string }>('POST', '/directives', {
        ...answer.draft,
        ...(reporting ? { reporting } : {}),
        subject: v.subject,
        type: v.type,
        // every executing unit below, and the departments the text named beside them
        addressees: all
          ? { mode: 'children', ...pickUnitIds(answer.draft.addressees) }
          : { mode: 'units', unitIds: v.addressees },
        tasks: v.tasks
          .split(/\n\s*\n/)
          .map((x) => x.trim())
          .filter(Boolean),
      });
      setDraftId(d.id);
      await submit(d.id);
    } catch (e) {
      const f = e instanceof ApiFailure ? e : null;
      setFailure({ text: (e as Error).message, placed: f ? problems.place(f) : false });
    } finally {
      setBusy(false);
    }
  };
  const needed = neededIn(t);
  return (
    <>
      <Form form={main} name="compose" component={false} layout="vertical" initialValues={initial}>
        <Form.Item label={t('type')} name="type" rules={[needed]}>
          <Select options={DOC_TYPES.map((c) => ({ value: c, label: say(DOC_TYPE, c) }))} />
        </Form.Item>
        <Form.Item label={t('subject')} name="subject" rules={[needed]}>
          <Input />
        </Form.Item>
        <Form.Item
          label={t('addressees')}
          name="addressees"
          rules={[{ required: true, type: 'array', min: 1, message: t('pickAddressees') }]}
        >
          <UnitPicker units={subordinates} />
        </Form.Item>
        {schedule && (
          <fieldset>
            <legend>{t('reporting')}</legend>
            {answer.problems.some((p) => p.field === 'reporting.schedule') && (
              <p className="note">{t('setScheduleHint')}</p>
            )}
            <ScheduleEditor schedule={schedule} onChange={setSchedule} form={scheduling} />
            <Form.Item
              label={t('stagger')}
              name="stagger"
              rules={[{ pattern: STAGGER, message: t('staggerRule') }]}
            >
              <Input />
            </Form.Item>
            <Form.Item label={t('policy')} name="policy">
              <Select options={POLICIES.map((x) => ({ value: x, label: say(POLICY, x) }))} />
            </Form.Item>
            <SchedulePreview
              schedule={schedule}
              stagger={staggerDays.length ? staggerDays : [0]}
              policy={policy}
            />
            <FormDesigner fields={form} onChange={setForm} form={designer} />
          </fieldset>
        )}
        <Form.Item label={t('tasks')} name="tasks" rules={[needed]}>
          <Input.TextArea rows={6} />
        </Form.Item>
      </Form>
      {failure && !failure.placed && <Problem text={failure.text} />}
      {draftId && failure?.chain && <Link to={`/d/${draftId}`}>{t('openDraft')}</Link>}
      <Button type="primary" onClick={() => void create()} loading={busy}>
        {draftId ? t('submitAgain') : `${t('createDraft')} · ${t('submitReview')}`}
      </Button>
    </>
  );
}

/** The departments an imported draft names beside "all units below" (they are addressed only when named). */
function pickUnitIds(addressees: unknown): { unitIds?: string[] } {
  const ids = (addressees as { unitIds?: string[] } | undefined)?.unitIds;
  return ids?.length ? { unitIds: ids } : {};
}

/** What to do about each part the import could not read, in Vietnamese (the server words them in English). */
const PROBLEM_VI: Record<string, string> = {
  subject: 'Văn bản không có trích yếu: nhập trích yếu ở ô "Trích yếu".',
  tasks: 'Không tìm thấy nhiệm vụ được đánh số: nhập nhiệm vụ ở ô "Nhiệm vụ".',
  addressees: 'Chưa xác định được nơi nhận: chọn nơi nhận bên dưới.',
  issuerId: 'Văn bản ghi cơ quan ban hành khác với đơn vị của bạn: kiểm tra lại.',
  body: 'Văn bản dài quá 200.000 ký tự: phần nội dung không được lưu kèm.',
  documentType: 'Không nhận ra loại văn bản: chọn ở ô "Loại văn bản".',
  'reporting.schedule':
    'Văn bản yêu cầu báo cáo nhưng không nêu hạn: đặt lịch báo cáo ở mục "Chế độ báo cáo".',
  'reporting.schedule.from':
    'Văn bản không nêu kỳ báo cáo đầu tiên: đã lấy kỳ ban hành, kiểm tra ở "Chế độ báo cáo".',
  'reporting.schedule.day': 'Văn bản không nêu ngày báo cáo: đặt ngày ở "Chế độ báo cáo".',
  'reporting.schedules.phases': 'Có đợt không nêu ngày bắt đầu: đặt thời gian các đợt.',
  'reporting.routes': 'Không xác định được ban nhận báo cáo: chọn ban.',
};
