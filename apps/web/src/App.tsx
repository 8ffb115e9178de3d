import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import {
  api,
  ApiFailure,
  session,
  type Directive,
  type FormField,
  type Me,
  type Membership,
  type RegisterItem,
  type TreeNode,
} from './api';
import type { Aggregation, CycleView, FieldType, NonWorkingDayPolicy, Schedule } from '@cascade/domain';
import { CalendarPage } from './CalendarPage';
import { dictionaries, type Key, type Lang } from './i18n';

// --- context: language, the user, the unit acted for -----------------------------------------------------------------

interface Ctx {
  t: (k: Key) => string;
  lang: Lang;
  setLang: (l: Lang) => void;
  me: Me | null;
  unit: Membership | null;
  setUnit: (m: Membership) => void;
}
const AppContext = createContext<Ctx>(null as unknown as Ctx);
const useApp = () => useContext(AppContext);

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** Loads on mount and whenever `deps` change; `every` ms re-reads (live dashboards). */
function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  every?: number,
): [T | null, string | null, () => void] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    const timer = every ? setTimeout(() => setTick((n) => n + 1), every) : undefined;
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);
  return [data, error, () => setTick((n) => n + 1)];
}

const Problem = ({ text }: { text: string | null }) =>
  text ? (
    <p role="alert" className="error">
      {text}
    </p>
  ) : null;

// --- sign-in ----------------------------------------------------------------------------------------------------------

function SignIn({ onDone }: { onDone: () => void }) {
  const { t } = useApp();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await api<{ accessToken: string }>('POST', '/auth/login', { email, password });
      session.token = r.accessToken;
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-label={t('signIn')}>
      <h1>{t('signIn')}</h1>
      <label>
        {t('email')}
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label>
        {t('password')}
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <Problem text={error} />
      <button type="submit">{t('signIn')}</button>
    </form>
  );
}

// --- home: what needs attention now -----------------------------------------------------------------------------------

function Home() {
  const { t, unit } = useApp();
  const [incoming] = useLoad(
    () =>
      unit
        ? api<{ items: RegisterItem[] }>('GET', `/registers/incoming?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [unit?.unitId],
    5000,
  );
  const [outgoing] = useLoad(
    () =>
      unit
        ? api<{ items: RegisterItem[] }>('GET', `/registers/outgoing?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [unit?.unitId],
    5000,
  );
  const [overdue] = useLoad(
    () =>
      unit
        ? api<{
            items: { directiveId: string; unitName: string; symbol: string; cycle: number; level: string }[];
          }>('GET', `/overdue?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [unit?.unitId],
    5000,
  );
  if (!unit) return null;
  const toAck = incoming?.items.filter((i) => i.nodeStatus === 'delivered') ?? [];
  const toReview = outgoing?.items.filter((i) => ['in_review', 'approved', 'draft'].includes(i.status)) ?? [];
  const received = incoming?.items.filter((i) => i.nodeStatus !== 'delivered') ?? [];
  return (
    <div className="grid">
      <section className="card" aria-labelledby="ack">
        <h2 id="ack">{t('toAcknowledge')}</h2>
        <DirectiveList items={toAck} received />
      </section>
      <section className="card" aria-labelledby="rev">
        <h2 id="rev">{t('toReview')}</h2>
        <DirectiveList items={toReview} />
      </section>
      <section className="card" aria-labelledby="rec">
        <h2 id="rec">{t('received')}</h2>
        <DirectiveList items={received} received />
      </section>
      <section className="card" aria-labelledby="od">
        <h2 id="od">{t('overdueBelow')}</h2>
        {overdue?.items.length ? (
          <ul>
            {overdue.items.map((o, i) => (
              <li key={i}>
                <span className="badge late">{o.level}</span> {o.unitName} — {o.symbol} #{o.cycle + 1}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('nothing')}</p>
        )}
      </section>
    </div>
  );
}

function DirectiveList({ items, received }: { items: RegisterItem[]; received?: boolean }) {
  const { t } = useApp();
  if (!items.length) return <p>{t('nothing')}</p>;
  return (
    <ul className="list">
      {items.map((d) => (
        <li key={d.id}>
          <a href={received ? `#/received/${d.id}` : `#/d/${d.id}`}>
            <strong>{d.symbol ?? d.type}</strong> {d.subject}
          </a>{' '}
          <span className={`badge ${d.nodeStatus ?? d.status}`}>{d.nodeStatus ?? d.status}</span>
        </li>
      ))}
    </ul>
  );
}

// --- registers -------------------------------------------------------------------------------------------------------------

function Registers() {
  const { t, unit } = useApp();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'outgoing' | 'incoming'>('outgoing');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const filters = `${status ? `&status=${status}` : ''}${type ? `&type=${type}` : ''}`;
  const [data, error] = useLoad(
    () =>
      unit
        ? api<{ items: RegisterItem[] }>(
            'GET',
            `/registers/${kind}?unitId=${unit.unitId}&q=${encodeURIComponent(q)}${filters}`,
          )
        : Promise.resolve(null),
    [unit?.unitId, kind, q, filters],
  );
  return (
    <section className="card">
      <h1>{t('registers')}</h1>
      <div role="tablist" className="tabs">
        {(['outgoing', 'incoming'] as const).map((k) => (
          <button key={k} role="tab" aria-selected={kind === k} onClick={() => setKind(k)}>
            {t(k)}
          </button>
        ))}
      </div>
      <label>
        {t('search')}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <div className="row">
        <label>
          {t('status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {[
              '',
              'draft',
              'in_review',
              'approved',
              'signed',
              'dispatched',
              'closed',
              'recalled',
              'superseded',
            ].map((x) => (
              <option key={x} value={x}>
                {x || '—'}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('type')}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {['', 'KH', 'HD', 'CV', 'CT', 'TB', 'QD', 'BC'].map((x) => (
              <option key={x} value={x}>
                {x || '—'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Problem text={error} />
      <DirectiveList items={data?.items ?? []} received={kind === 'incoming'} />
    </section>
  );
}

// --- composer: import from text -------------------------------------------------------------------------------------------

interface ImportAnswer {
  parsed: Record<string, unknown> & { sources: Record<string, { confidence: number }[]> };
  draft: Record<string, unknown> & { subject: string | null; tasks: string[]; type: string | null };
  problems: { field: string; message: string }[];
}

interface DesignedField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  choices?: string[];
}
/** How each of the domain's field types aggregates by default. */
const AGGREGATE_OF: Record<FieldType, Aggregation> = {
  integer: 'sum',
  decimal: 'sum',
  boolean: 'countTrue',
  text: 'collect',
  choice: 'collect',
};
const FIELD_TYPES = Object.keys(AGGREGATE_OF) as FieldType[];

/** The report form a directive asks for: one row per field (a key, its label, its type, whether it is required). */
function FormDesigner({
  fields,
  onChange,
}: {
  fields: DesignedField[];
  onChange: (f: DesignedField[]) => void;
}) {
  const { t } = useApp();
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
                <option key={x}>{x}</option>
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

/** The schedule as data: monthly on or before a day from a month, or as things happen (other kinds shown as read). */
function ScheduleEditor({ schedule, onChange }: { schedule: Schedule; onChange: (s: Schedule) => void }) {
  const { t } = useApp();
  const month = new Date().toISOString().slice(0, 7);
  const monthly = schedule.kind === 'monthly' ? schedule : null;
  return (
    <div className="row" data-testid="schedule">
      <label>
        {t('scheduleKind')}
        <select
          value={schedule.kind}
          onChange={(e) =>
            onChange(
              e.target.value === 'monthly'
                ? { kind: 'monthly', rule: 'before', day: 15, from: month }
                : e.target.value === 'adhoc'
                  ? { kind: 'adhoc' }
                  : schedule,
            )
          }
        >
          <option value="monthly">{t('monthly')}</option>
          <option value="adhoc">{t('adhocShort')}</option>
          {!['monthly', 'adhoc'].includes(schedule.kind) && (
            <option value={schedule.kind}>{schedule.kind}</option>
          )}
        </select>
      </label>
      {monthly && (
        <>
          <label>
            {t('rule')}
            <select
              value={monthly.rule}
              onChange={(e) => onChange({ ...monthly, rule: e.target.value as 'on' | 'before' })}
            >
              <option value="on">{t('ruleOn')}</option>
              <option value="before">{t('ruleBefore')}</option>
            </select>
          </label>
          <label>
            {t('day')}
            <input
              type="number"
              min={1}
              max={31}
              value={monthly.day}
              onChange={(e) =>
                onChange({ ...monthly, day: Math.min(31, Math.max(1, Number(e.target.value))) })
              }
            />
          </label>
          <label>
            {t('fromMonth')}
            <input
              type="month"
              value={monthly.from}
              onChange={(e) => onChange({ ...monthly, from: e.target.value })}
            />
          </label>
        </>
      )}
    </div>
  );
}

/**
 * Each level's deadlines for the first cycles, as the worker will plan them: computed by the server
 * (`POST /schedules/preview`) from the stored calendar, with the years not announced yet marked provisional.
 */
function SchedulePreview({
  schedule,
  stagger,
  policy,
}: {
  schedule: Schedule;
  stagger: number[];
  policy: NonWorkingDayPolicy;
}) {
  const { t } = useApp();
  const input = JSON.stringify({ schedule, stagger, policy, cycles: 3 });
  const [preview, problem] = useLoad(
    () =>
      schedule.kind === 'adhoc'
        ? Promise.resolve({ cycles: [] as CycleView[] })
        : api<{ cycles: CycleView[] }>('POST', '/schedules/preview', JSON.parse(input)),
    [input],
  );
  if (schedule.kind === 'adhoc') return <p data-testid="calendar">{t('adhoc')}</p>;
  const rows = preview?.cycles ?? [];
  return (
    <>
      <Problem text={problem} />
      <table data-testid="calendar">
        <thead>
          <tr>
            <th>{t('cycle')}</th>
            {stagger.map((_, k) => (
              <th key={k}>{[t('grassroots'), t('district'), t('province')][k] ?? `${t('tier')} ${k}`}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.label}
              data-provisional={r.provisional ? 'true' : 'false'}
              title={r.provisional ? t('provisionalHint') : undefined}
              className={r.provisional ? 'provisional' : undefined}
            >
              <td>{r.label}</td>
              {stagger.map((_, k) => (
                <td key={k}>{r.deadlines[Math.min(k, r.deadlines.length - 1)]?.lastDay ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.some((r) => r.provisional) && <p className="note">{t('provisionalHint')}</p>}
    </>
  );
}

function Compose() {
  const { t, unit } = useApp();
  const [text, setText] = useState('');
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
      setSchedule((a.draft as { reporting?: { schedule: Schedule } }).reporting?.schedule ?? null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const create = async () => {
    try {
      const draft = answer!.draft as { reporting?: { form?: unknown } };
      const reporting = draft.reporting && {
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
        addressees: picked === 'all' ? { mode: 'children' } : { mode: 'units', unitIds: [...picked] },
        tasks: tasks
          .split(/\n\s*\n/)
          .map((x) => x.trim())
          .filter(Boolean),
      });
      await api('POST', `/directives/${d.id}/submit`, { version: 1 });
      location.hash = `#/d/${d.id}`;
    } catch (e) {
      setError((e as Error).message);
    }
  };
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
                  <td>{f}</td>
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
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            </div>
          )}
          <label>
            {t('type')}
            <select value={type} onChange={(e) => setType(e.target.value)}>
              {['KH', 'HD', 'CV', 'CT', 'TB', 'QD', 'BC'].map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            {t('subject')}
            <input value={subject} onChange={(e) => setSubject(e.target.value)} />
          </label>
          <fieldset>
            <legend>{t('addressees')}</legend>
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
              <ScheduleEditor schedule={schedule} onChange={setSchedule} />
              <label>
                {t('stagger')}
                <input value={stagger} onChange={(e) => setStagger(e.target.value)} />
              </label>
              <label>
                {t('policy')}
                <select value={policy} onChange={(e) => setPolicy(e.target.value as NonWorkingDayPolicy)}>
                  {(['previous-working-day', 'next-working-day', 'keep'] as const).map((x) => (
                    <option key={x}>{x}</option>
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
          </label>
          <button onClick={() => void create()}>
            {t('createDraft')} · {t('submitReview')}
          </button>
        </>
      )}
    </section>
  );
}

// --- a directive: review, signing, the routing dashboard ----------------------------------------------------------------------

function DirectivePage({ id }: { id: string }) {
  const { t, unit } = useApp();
  const [d, error, reload] = useLoad(() => api<Directive>('GET', `/directives/${id}`), [id], 4000);
  const [actionError, setActionError] = useState<string | null>(null);
  const act = async (path: string, body: object) => {
    setActionError(null);
    try {
      await api('POST', `/directives/${id}/${path}`, body);
      reload();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };
  if (error) return <Problem text={error} />;
  if (!d) return null;
  const leader = unit?.role === 'leader';
  return (
    <article className="card">
      <h1>
        {d.symbol ?? d.type} — {d.content.subject}
      </h1>
      <p>
        {t('status')}:{' '}
        <span className={`badge ${d.status}`} data-testid="status">
          {d.status}
        </span>
      </p>
      <ol>
        {d.content.tasks.map((task, i) => (
          <li key={i}>{task}</li>
        ))}
      </ol>
      {d.signer && (
        <p>
          {t('signature')}: {d.signer.authority} {d.signer.position} {d.signer.name} · SHA-256{' '}
          {d.sha256?.slice(0, 16)}…
        </p>
      )}
      {leader && d.status === 'in_review' && (
        <button onClick={() => void act('review', { version: d.version, decision: 'approve' })}>
          {t('approve')}
        </button>
      )}
      {leader && d.status === 'approved' && (
        <button onClick={() => void act('sign', { version: d.version })}>{t('sign')}</button>
      )}
      <Problem text={actionError} />
      <p>
        <a href={`#/audit/${d.id}`}>{t('audit')}</a>
      </p>
      {['dispatched', 'closed', 'recalled', 'superseded'].includes(d.status) && (
        <Routing id={d.id} issuerId={d.issuerId} />
      )}
    </article>
  );
}

function Routing({ id, issuerId }: { id: string; issuerId: string }) {
  const { t } = useApp();
  const [cycle, setCycle] = useState(0);
  return (
    <section aria-labelledby="routing">
      <h2 id="routing">{t('routing')}</h2>
      <label className="inline">
        {t('cycle')}
        <input
          type="number"
          min={1}
          value={cycle + 1}
          onChange={(e) => setCycle(Math.max(0, Number(e.target.value) - 1))}
        />
      </label>
      <TreeLevel id={id} parent={null} cycle={cycle} />
      <Overdue id={id} unitId={issuerId} />
      <Aggregate id={id} unitId={issuerId} cycle={cycle} />
    </section>
  );
}

/** The directive's overdue units below the issuer, most late first, with the ladder level each has reached. */
function Overdue({ id, unitId }: { id: string; unitId: string }) {
  const { t } = useApp();
  const [data] = useLoad(
    () =>
      api<{
        items: { directiveId: string; unitName: string; cycle: number; level: string; lateSeconds: number }[];
      }>('GET', `/overdue?unitId=${unitId}&limit=100`),
    [id, unitId],
    5000,
  );
  const mine = (data?.items ?? []).filter((o) => o.directiveId === id);
  return (
    <section aria-labelledby="overdue">
      <h3 id="overdue">{t('overdueUnits')}</h3>
      {mine.length ? (
        <ul data-testid="overdue">
          {mine.map((o, i) => (
            <li key={i}>
              <span className="badge late">{o.level}</span> {o.unitName} — #{o.cycle + 1} (
              {Math.round(o.lateSeconds / 3600)} h)
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('nothing')}</p>
      )}
    </section>
  );
}

interface AggregateAnswer {
  label: string;
  /** Computed from a year whose days off are not announced yet: the deadlines may still move. */
  provisional?: boolean;
  closed: boolean;
  revision?: number;
  values: Record<string, unknown>;
  coverage: { expected: number; onTime: number; late: number; missing: number; missingUnits: string[] };
}

/** The aggregated report of a cycle at a node: coverage, values, CSV and XLSX (downloaded with the session's token). */
function Aggregate({ id, unitId, cycle }: { id: string; unitId: string; cycle: number }) {
  const { t } = useApp();
  const [agg, error] = useLoad(
    () => api<AggregateAnswer>('GET', `/directives/${id}/aggregate?unitId=${unitId}&cycle=${cycle}`),
    [id, unitId, cycle],
    5000,
  );
  const download = async (format: 'csv' | 'xlsx') => {
    const res = await fetch(
      `/directives/${id}/aggregate/export?unitId=${unitId}&cycle=${cycle}&format=${format}`,
      {
        headers: { Authorization: `Bearer ${session.token ?? ''}` },
      },
    );
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `aggregate-${cycle + 1}.${format}`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-labelledby="aggregate" className="aggregate">
      <h3 id="aggregate">
        {t('aggregate')} {agg ? `— ${agg.label}` : ''}
      </h3>
      <Problem text={error} />
      {agg?.provisional && (
        <p className="note" data-testid="provisional">
          {t('provisionalHint')}
        </p>
      )}
      {agg && (
        <>
          <p data-testid="coverage">
            {agg.coverage.onTime} {t('onTime')} · {agg.coverage.late} {t('late')} · {agg.coverage.missing}{' '}
            {t('missing')} / {agg.coverage.expected} {t('units')}{' '}
            {agg.closed ? `(${t('closedRevision')} ${agg.revision})` : `(${t('preview')})`}
          </p>
          <ul>
            {Object.entries(agg.values).map(([k, v]) => (
              <li key={k}>
                {k}: {Array.isArray(v) ? v.length : JSON.stringify(v)}
              </li>
            ))}
          </ul>
          <button onClick={() => void download('csv')}>CSV</button>
          <button onClick={() => void download('xlsx')}>XLSX</button>
        </>
      )}
    </section>
  );
}

function TreeLevel({ id, parent, cycle }: { id: string; parent: string | null; cycle: number }) {
  const { t } = useApp();
  const [open, setOpen] = useState<Record<string, boolean>>({});
  // a wide level comes 100 units at a time (up to 1,000), so that a 10,000-unit directive keeps a small page
  const [pages, setPages] = useState(1);
  const [data] = useLoad(
    () =>
      api<{ items: TreeNode[]; nextCursor: string | null }>(
        'GET',
        `/directives/${id}/tree?cycle=${cycle}${parent ? `&parentUnitId=${parent}` : ''}&limit=${100 * pages}`,
      ),
    [id, parent, cycle, pages],
    3000,
  );
  return (
    <ul className="tree" role={parent ? 'group' : 'tree'}>
      {data?.items.map((n) => (
        <li key={n.unitId} role="treeitem" aria-expanded={n.isHub ? !!open[n.unitId] : undefined}>
          {n.isHub ? (
            <button className="toggle" onClick={() => setOpen({ ...open, [n.unitId]: !open[n.unitId] })}>
              {open[n.unitId] ? '▾' : '▸'}
            </button>
          ) : (
            <span className="toggle" />
          )}
          <span className={`badge ${n.status}`}>{n.status}</span> {n.unitName}{' '}
          <span className="rollup" data-testid={`rollup-${n.unitCode}`}>
            {n.onTime} {t('onTime')} · {n.late} {t('late')} · {n.missing} {t('missing')}
          </span>
          <progress max={Math.max(1, n.expected)} value={n.onTime + n.late} aria-label={n.unitName} />
          {n.isHub && open[n.unitId] && <TreeLevel id={id} parent={n.unitId} cycle={cycle} />}
        </li>
      ))}
      {data?.nextCursor && pages < 10 && (
        <li>
          <button className="link dark" onClick={() => setPages(pages + 1)}>
            {t('more')}
          </button>
        </li>
      )}
    </ul>
  );
}

// --- a directive received by the unit: acknowledge, report -----------------------------------------------------------------------

interface Received {
  id: string;
  symbol: string;
  status: string;
  issuerName: string;
  content: { subject: string; tasks: string[]; reporting?: { form?: { fields: FormField[] } } };
  node: { status: string; statusCode: string; isHub: boolean };
}

function ReceivedPage({ id }: { id: string }) {
  const { t, unit } = useApp();
  const [d, error, reload] = useLoad(
    () =>
      unit ? api<Received>('GET', `/directives/${id}/received?unitId=${unit.unitId}`) : Promise.resolve(null),
    [id, unit?.unitId],
  );
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [cycle, setCycle] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  if (error) return <Problem text={error} />;
  if (!d || !unit) return null;
  const fields = d.content.reporting?.form?.fields ?? [];
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      const typed = Object.fromEntries(
        fields.map((f) => [
          f.key,
          f.type === 'boolean'
            ? !!values[f.key]
            : f.type === 'integer' || f.type === 'decimal'
              ? Number(values[f.key])
              : values[f.key],
        ]),
      );
      await api('POST', `/directives/${id}/reports`, { unitId: unit.unitId, cycle, values: typed });
      setMessage(t('saved'));
    } catch (err) {
      setFailure(err instanceof ApiFailure ? err.message : String(err));
    }
  };
  return (
    <article className="card">
      <h1>
        {d.symbol} — {d.content.subject}
      </h1>
      <p>
        {d.issuerName} · {t('status')}:{' '}
        <span className={`badge ${d.node.status}`} data-testid="node-status">
          {d.node.status}
        </span>
      </p>
      <ol>
        {d.content.tasks.map((task, i) => (
          <li key={i}>{task}</li>
        ))}
      </ol>
      {d.node.status === 'delivered' && (
        <button
          onClick={() =>
            void api('POST', `/directives/${id}/acknowledge`, {
              unitId: unit.unitId,
              decision: 'accept',
            }).then(reload, (e: Error) => setFailure(e.message))
          }
        >
          {t('acknowledge')}
        </button>
      )}
      {d.node.isHub && <Aggregate id={id} unitId={unit.unitId} cycle={cycle} />}
      {fields.length > 0 && !d.node.isHub && (
        <form onSubmit={(e) => void send(e)} aria-label={t('report')}>
          <h2>{t('report')}</h2>
          <label>
            {t('cycle')}
            <input
              type="number"
              min={1}
              value={cycle + 1}
              onChange={(e) => setCycle(Number(e.target.value) - 1)}
            />
          </label>
          {fields.map((f) => (
            <label key={f.key}>
              {f.label}
              {f.type === 'boolean' ? (
                <input
                  type="checkbox"
                  checked={!!values[f.key]}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.checked })}
                />
              ) : f.type === 'choice' ? (
                <select
                  required={f.required}
                  value={String(values[f.key] ?? '')}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                >
                  <option value="" />
                  {(f.choices ?? []).map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              ) : (
                <input
                  type={f.type === 'text' ? 'text' : 'number'}
                  step={f.type === 'decimal' ? 'any' : undefined}
                  required={f.required}
                  min={f.min}
                  max={f.max}
                  value={String(values[f.key] ?? '')}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                />
              )}
            </label>
          ))}
          <button type="submit">{t('send')}</button>
          {message && <p role="status">{message}</p>}
        </form>
      )}
      <Problem text={failure} />
    </article>
  );
}

// --- audit -----------------------------------------------------------------------------------------------------------------------

function AuditPage({ id }: { id: string }) {
  const { t, lang } = useApp();
  const when = (iso: string) =>
    new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
  const [timeline, error] = useLoad(
    () =>
      api<
        | { events: { seq: number; at: string; action: string; actorUnitName?: string }[] }
        | { seq: number; at: string; action: string }[]
      >('GET', `/directives/${id}/audit/timeline`),
    [id],
  );
  const [verdict, setVerdict] = useState<{ valid: boolean } | null>(null);
  const events = Array.isArray(timeline) ? timeline : (timeline?.events ?? []);
  const [replay, setReplay] = useState<{ reproduces: boolean; runs: unknown[] } | null>(null);
  // the slider: 0 is the directive's first event, 100 now; the tree as it stood then is rebuilt from the trail
  const [position, setPosition] = useState(100);
  const times = events.map((e) => Date.parse(e.at)).filter((x) => !Number.isNaN(x));
  const [now] = useState(() => Date.now());
  const from = times.length ? Math.min(...times) : now;
  const at = new Date(from + ((now - from) * position) / 100).toISOString();
  const [asOf] = useLoad(
    () =>
      api<{ nodes: { status: string }[]; lastEvent: { action: string } | null }>(
        'GET',
        `/directives/${id}/audit/as-of?at=${encodeURIComponent(at)}`,
      ),
    [id, at],
  );
  const statuses = Object.entries(
    (asOf?.nodes ?? []).reduce<Record<string, number>>(
      (acc, n) => ({ ...acc, [n.status]: (acc[n.status] ?? 0) + 1 }),
      {},
    ),
  );
  return (
    <article className="card">
      <h1>{t('audit')}</h1>
      <button
        onClick={() => void api<{ valid: boolean }>('GET', `/directives/${id}/audit/verify`).then(setVerdict)}
      >
        {t('verify')}
      </button>
      {verdict && (
        <p role="status" className={verdict.valid ? 'ok' : 'error'} data-testid="verdict">
          {verdict.valid ? t('valid') : t('broken')}
        </p>
      )}
      <p>
        <a href={`/directives/${id}/audit/case-file?format=html`} target="_blank" rel="noreferrer">
          {t('caseFile')}
        </a>
      </p>
      <button
        onClick={() =>
          void api<{ reproduces: boolean; runs: unknown[] }>('GET', `/directives/${id}/audit/replay`).then(
            setReplay,
          )
        }
      >
        {t('replay')}
      </button>
      {replay && (
        <p role="status" className={replay.reproduces ? 'ok' : 'error'} data-testid="replay">
          {replay.reproduces ? t('reproduces') : t('diverges')} ({replay.runs.length})
        </p>
      )}
      <h2>{t('asOf')}</h2>
      <label>
        {when(at)}
        <input
          type="range"
          min={0}
          max={100}
          value={position}
          onChange={(e) => setPosition(Number(e.target.value))}
        />
      </label>
      <p data-testid="as-of">
        {statuses.map(([s, n]) => `${s}: ${n}`).join(' · ') || '—'}{' '}
        {asOf?.lastEvent ? `(${asOf.lastEvent.action})` : ''}
      </p>
      <h2>{t('timeline')}</h2>
      <Problem text={error} />
      <ol className="timeline">
        {events.map((e, i) => (
          <li key={i}>
            <time>{when(e.at)}</time> {e.action}
          </li>
        ))}
      </ol>
    </article>
  );
}

// --- organisation admin ---------------------------------------------------------------------------------------------------

interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  level: number;
}
interface MemberRow {
  id: string;
  role: string;
  userName: string;
  userEmail: string;
}

const ROLE_CHOICES = ['clerk', 'specialist', 'leader', 'auditor', 'admin'];

function RoleSelect({ value, onChange }: { value: string; onChange: (role: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      {ROLE_CHOICES.map((r) => (
        <option key={r}>{r}</option>
      ))}
    </select>
  );
}

/** The unit's subtree, CSV import and export, its members and new users (administrators). */
function Organisation() {
  const { t, unit } = useApp();
  const [tree, treeError, reloadTree] = useLoad(
    () =>
      unit
        ? api<{ items: UnitRow[] }>('GET', `/units/${unit.unitId}/tree?depth=3&limit=500`)
        : Promise.resolve(null),
    [unit?.unitId],
  );
  const [members, , reloadMembers] = useLoad(
    () => (unit ? api<MemberRow[]>('GET', `/units/${unit.unitId}/members`) : Promise.resolve(null)),
    [unit?.unitId],
  );
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [person, setPerson] = useState({ email: '', name: '', password: '', role: 'clerk' });
  const [grant, setGrant] = useState({ email: '', role: 'clerk' });
  const addRole = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      await api('POST', `/units/${unit!.unitId}/memberships`, grant);
      setGrant({ email: '', role: 'clerk' });
      reloadMembers();
    } catch (err) {
      setFailure((err as Error).message);
    }
  };
  if (!unit) return null;
  const top = Math.min(...(tree?.items ?? []).map((u) => u.level));
  const importCsv = async () => {
    setFailure(null);
    try {
      const r = await api<{
        created: unknown[];
        updated: unknown[];
        rejected: { code: string; problems: string[] }[];
      }>('POST', '/units/import', csv, { contentType: 'text/csv; charset=utf-8' });
      setResult(
        `${r.created.length} ${t('created')} · ${r.updated.length} ${t('updated')} · ${r.rejected.length} ${t('rejected')}`,
      );
      reloadTree();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  const exportCsv = async () => {
    const text = await api<string>('GET', `/units/export?under=${unit.unitId}&format=csv`, undefined, {
      raw: true,
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'units.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  const addPerson = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      await api('POST', '/users', {
        email: person.email,
        name: person.name,
        password: person.password,
        membership: { unitId: unit.unitId, role: person.role },
      });
      setPerson({ email: '', name: '', password: '', role: 'clerk' });
      reloadMembers();
    } catch (err) {
      setFailure((err as Error).message);
    }
  };
  return (
    <div className="grid">
      <section className="card" aria-labelledby="org-tree">
        <h1 id="org-tree">{t('organisation')}</h1>
        <Problem text={treeError} />
        <ul className="tree" data-testid="units">
          {(tree?.items ?? []).map((u) => (
            <li key={u.id} style={{ marginLeft: `${(u.level - top) * 1.2}rem` }}>
              <span>{u.name}</span>{' '}
              <span className="rollup">
                {u.code} · {u.kind}
              </span>
            </li>
          ))}
        </ul>
        <button onClick={() => void exportCsv()}>{t('exportCsv')}</button>
        <label>
          {t('importCsv')}
          <textarea
            rows={5}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder="code,name,kind,parentCode"
          />
        </label>
        <button onClick={() => void importCsv()} disabled={!csv.trim()}>
          {t('importUnits')}
        </button>
        {result && (
          <p role="status" data-testid="import-result">
            {result}
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="org-people">
        <h2 id="org-people">{t('people')}</h2>
        <ul data-testid="members">
          {(members ?? []).map((m) => (
            <li key={m.id}>
              {m.userName} — {m.userEmail} <span className="badge">{m.role}</span>
            </li>
          ))}
        </ul>
        <form onSubmit={(e) => void addPerson(e)} aria-label={t('addPerson')}>
          <h3>{t('addPerson')}</h3>
          <label>
            {t('email')}
            <input
              type="email"
              required
              value={person.email}
              onChange={(e) => setPerson({ ...person, email: e.target.value })}
            />
          </label>
          <label>
            {t('name')}
            <input
              required
              value={person.name}
              onChange={(e) => setPerson({ ...person, name: e.target.value })}
            />
          </label>
          <label>
            {t('password')}
            <input
              type="password"
              autoComplete="new-password"
              required
              value={person.password}
              onChange={(e) => setPerson({ ...person, password: e.target.value })}
            />
          </label>
          <label>
            {t('role')}
            <RoleSelect value={person.role} onChange={(role) => setPerson({ ...person, role })} />
          </label>
          <button type="submit">{t('addPerson')}</button>
        </form>
        <form onSubmit={(e) => void addRole(e)} aria-label={t('addRole')}>
          <h3>{t('addRole')}</h3>
          <label>
            {t('email')}
            <input
              type="email"
              required
              value={grant.email}
              onChange={(e) => setGrant({ ...grant, email: e.target.value })}
            />
          </label>
          <label>
            {t('role')}
            <RoleSelect value={grant.role} onChange={(role) => setGrant({ ...grant, role })} />
          </label>
          <button type="submit">{t('addRole')}</button>
        </form>
      </section>
      <Problem text={failure} />
    </div>
  );
}

// --- the shell --------------------------------------------------------------------------------------------------------------------

export function App() {
  const [lang, setLang] = useState<Lang>((localStorage.getItem('cascade.lang') as Lang) || 'vi');
  const [me, setMe] = useState<Me | null>(null);
  const [unit, setUnit] = useState<Membership | null>(null);
  const [signedIn, setSignedIn] = useState(!!session.token);
  const hash = useHash();
  const t = useCallback((k: Key) => dictionaries[lang][k], [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('cascade.lang', lang);
  }, [lang]);
  useEffect(() => {
    if (!signedIn) return;
    api<Me>('GET', '/auth/me').then(
      (m) => {
        setMe(m);
        setUnit(m.memberships[0] ?? null);
      },
      () => setSignedIn(false),
    );
  }, [signedIn]);
  const ctx: Ctx = { t, lang, setLang, me, unit, setUnit };
  let page: ReactNode;
  const [, route, id] = hash.split('/');
  if (!signedIn) page = <SignIn onDone={() => setSignedIn(true)} />;
  else if (route === 'registers') page = <Registers />;
  else if (route === 'compose') page = <Compose />;
  else if (route === 'd' && id) page = <DirectivePage id={id} />;
  else if (route === 'received' && id) page = <ReceivedPage id={id} />;
  else if (route === 'audit' && id) page = <AuditPage id={id} />;
  else if (route === 'organisation') page = <Organisation />;
  else if (route === 'calendar') page = <CalendarPage t={t} admin={!!me?.systemAdmin} />;
  else page = <Home />;
  return (
    <AppContext.Provider value={ctx}>
      <header>
        <a href="#/" className="brand">
          {t('appName')}
        </a>
        {signedIn && (
          <nav aria-label="main">
            <a href="#/">{t('home')}</a>
            <a href="#/registers">{t('registers')}</a>
            {unit && ['clerk', 'specialist'].includes(unit.role) && <a href="#/compose">{t('compose')}</a>}
            {unit?.role === 'admin' && <a href="#/organisation">{t('organisation')}</a>}
            <a href="#/calendar">{t('calendar')}</a>
          </nav>
        )}
        {me && (
          <label className="unit">
            {t('unit')}
            <select
              value={unit?.id ?? ''}
              onChange={(e) => setUnit(me.memberships.find((m) => m.id === e.target.value) ?? null)}
            >
              {me.memberships.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.unitName} ({m.role})
                </option>
              ))}
            </select>
          </label>
        )}
        <button className="link" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
          {t('language')}
        </button>
        {signedIn && (
          <button
            className="link"
            onClick={() => {
              void api('POST', '/auth/logout').catch(() => undefined);
              session.token = null;
              setSignedIn(false);
              setMe(null);
            }}
          >
            {t('signOut')}
          </button>
        )}
      </header>
      <main>{page}</main>
    </AppContext.Provider>
  );
}
