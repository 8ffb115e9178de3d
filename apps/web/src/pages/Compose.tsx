import { useState } from 'react';
import type { ImportAnswer } from '@cascade/contracts';
import type { NonWorkingDayPolicy, Schedule } from '@cascade/domain';
import { Link, useNavigate } from 'react-router';
import { api, ApiFailure } from '../api';
import { DOC_TYPE, IMPORT_FIELD, POLICY } from '../words/vocabulary';
import { AGGREGATE_OF, FormDesigner, type DesignedField } from '../components/FormDesigner';
import { Problem } from '../components/Problem';
import { ScheduleEditor } from '../components/ScheduleEditor';
import { SchedulePreview } from '../components/SchedulePreview';
import { useApp } from '../context';
import { useLoad } from '../hooks';

/** The composer: a directive imported from its text. */
export function Compose() {
  const { t, unit, say, lang } = useApp();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  // the draft once created: a second click submits it again, never creates another
  const [draftId, setDraftId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ text: string; field: string | null; chain?: boolean } | null>(
    null,
  );
  /** The server's error beside the part it names (`reporting.form.fields.1.type` beside the form designer). */
  const beside = (...prefixes: string[]) =>
    failure?.field && prefixes.some((p) => failure.field === p || failure.field!.startsWith(`${p}.`)) ? (
      <span className="field-error" role="alert">
        {failure.text}
      </span>
    ) : null;
  const besideAny = ['subject', 'type', 'tasks', 'addressees', 'reporting'];
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [subject, setSubject] = useState('');
  const [type, setType] = useState('CV');
  const [tasks, setTasks] = useState('');
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
  const [picked, setPicked] = useState<Set<string> | 'all'>('all');
  const [form, setForm] = useState<DesignedField[]>([]);
  const [stagger, setStagger] = useState('0, 2, 4');
  const [policy, setPolicy] = useState<NonWorkingDayPolicy>('previous-working-day');
  // the schedule read from the text, editable: monthly (on or before a day, from a month) or as things happen
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const staggerDays = stagger
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isInteger(x) && x >= 0);
  const read = async (body: string | FormData) => {
    setError(null);
    try {
      const a = await api<ImportAnswer>('POST', `/directives/import?issuerId=${unit!.unitId}`, body);
      setAnswer(a);
      setSubject(a.draft.subject ?? '');
      setType(a.draft.type ?? 'CV');
      setTasks(a.draft.tasks.join('\n\n'));
      const addressees = a.draft.addressees as { mode: string; unitIds?: string[] };
      setPicked(addressees.mode === 'children' ? 'all' : new Set(addressees.unitIds ?? []));
      // a directive read from text asks for reports but carries no form: one free-text answer to start from
      setForm([{ key: 'result', label: t('result'), type: 'text', required: true }]);
      // a text that asks for reports without a deadline: a schedule to set, not a warning with nowhere to set it
      const asked = a.problems.some((p) => p.field.startsWith('reporting'));
      setSchedule(
        (a.draft as { reporting?: { schedule: Schedule } }).reporting?.schedule ??
          (asked
            ? { kind: 'monthly', rule: 'before', day: 15, from: new Date().toISOString().slice(0, 7) }
            : null),
      );
      setDraftId(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const submit = async (id: string) => {
    try {
      await api('POST', `/directives/${id}/submit`, { version: 1 });
      void navigate(`/d/${id}`);
    } catch (e) {
      const f = e instanceof ApiFailure ? e : null;
      setFailure({
        text: f?.code === 'DIRECTIVE_REVIEW_CHAIN_EMPTY' ? t('chainMissingHint') : (e as Error).message,
        field: null,
        chain: true,
      });
    }
  };
  const create = async () => {
    setFailure(null);
    setBusy(true);
    try {
      if (draftId) return await submit(draftId);
      const draft = answer!.draft as { reporting?: Record<string, unknown> };
      const reporting = (draft.reporting || schedule) && {
        ...draft.reporting,
        ...(schedule ? { schedule } : {}),
        stagger: staggerDays,
        policy,
        form: { fields: form.map((f) => ({ ...f, aggregate: AGGREGATE_OF[f.type] })) },
      };
      const d = await api<{ id: string }>('POST', '/directives', {
        ...answer!.draft,
        ...(reporting ? { reporting } : {}),
        subject,
        type,
        // "Các … trực thuộc": every executing unit below, and the departments the text named beside them.
        addressees:
          picked === 'all'
            ? { mode: 'children', ...pickUnitIds(answer!.draft.addressees) }
            : { mode: 'units', unitIds: [...picked] },
        tasks: tasks
          .split(/\n\s*\n/)
          .map((x) => x.trim())
          .filter(Boolean),
      });
      setDraftId(d.id);
      await submit(d.id);
    } catch (e) {
      const f = e instanceof ApiFailure ? e : null;
      setFailure({ text: (e as Error).message, field: f?.field ?? null });
    } finally {
      setBusy(false);
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
        <textarea rows={10} value={text} onChange={(e) => setText(e.target.value)} />
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
      <button onClick={() => void read(text)} disabled={!text.trim()}>
        {t('read')}
      </button>
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
          <label>
            {t('type')}
            <select value={type} onChange={(e) => setType(e.target.value)}>
              {['KH', 'HD', 'CV', 'CT', 'TB', 'QD', 'BC'].map((c) => (
                <option key={c} value={c}>
                  {say(DOC_TYPE, c)}
                </option>
              ))}
            </select>
            {beside('type')}
          </label>
          <label>
            {t('subject')}
            <input
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
              aria-invalid={!!beside('subject')}
            />
            {beside('subject')}
          </label>
          <fieldset>
            <legend>{t('addressees')}</legend>
            {beside('addressees')}
            {subordinates.map((u) => (
              <label key={u.id} className="check">
                <input
                  type="checkbox"
                  checked={picked === 'all' || picked.has(u.id)}
                  onChange={(e) => {
                    const next = new Set(picked === 'all' ? subordinates.map((x) => x.id) : picked);
                    if (e.target.checked) next.add(u.id);
                    else next.delete(u.id);
                    setPicked(next.size === subordinates.length ? 'all' : next);
                  }}
                />
                {u.name}
              </label>
            ))}
          </fieldset>
          {schedule && (
            <fieldset>
              <legend>{t('reporting')}</legend>
              {answer.problems.some((p) => p.field === 'reporting.schedule') && (
                <p className="note">{t('setScheduleHint')}</p>
              )}
              {beside('reporting')}
              <ScheduleEditor schedule={schedule} onChange={setSchedule} />
              <label>
                {t('stagger')}
                <input value={stagger} onChange={(e) => setStagger(e.target.value)} />
              </label>
              <label>
                {t('policy')}
                <select value={policy} onChange={(e) => setPolicy(e.target.value as NonWorkingDayPolicy)}>
                  {(['previous-working-day', 'next-working-day', 'keep'] as const).map((x) => (
                    <option key={x} value={x}>
                      {say(POLICY, x)}
                    </option>
                  ))}
                </select>
              </label>
              <SchedulePreview
                schedule={schedule}
                stagger={staggerDays.length ? staggerDays : [0]}
                policy={policy}
              />
              <FormDesigner fields={form} onChange={setForm} />
            </fieldset>
          )}
          <label>
            {t('tasks')}
            <textarea rows={6} value={tasks} onChange={(e) => setTasks(e.target.value)} />
            {beside('tasks')}
          </label>
          {failure && !besideAny.some((p) => beside(p)) && <Problem text={failure.text} />}
          {draftId && failure?.chain && <Link to={`/d/${draftId}`}>{t('openDraft')}</Link>}
          <button onClick={() => void create()} disabled={busy}>
            {draftId ? t('submitAgain') : `${t('createDraft')} · ${t('submitReview')}`}
          </button>
        </>
      )}
    </section>
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
