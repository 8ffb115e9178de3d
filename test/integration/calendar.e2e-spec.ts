/**
 * Deadlines that never stop (issue 15), on the real Temporal dev server and PostgreSQL: the working calendar as data
 * (stored years, computed provisional years, an administrator's corrections and their bad input), cycles stored when
 * planned and rescheduled only before they open, a monthly directive running from December 2026 into 2027, and
 * lateness decided at commit: reports racing the deadline, and reports arriving while the worker is stopped.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { reportingWorkflowId } from '@cascade/contracts';
import { VN_OFFICIAL_YEARS } from '@cascade/domain';
import { saveHistory } from '../replay/histories';
import { cascade } from './support/cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext | null;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));
const put = (path: string, token: string, body: object) => http().put(path).set(auth(token)).send(body);

let clerk: string;
let leader: { id: string; token: string };

const form = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  clerk = (await addMember(api, org, org.ids.A, 'clerk')).token;
  leader = await addMember(api, org, org.ids.A, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
  await worker?.close();
});

/** Drafted, approved and signed by A; dispatched to the given units (answers when every node is delivered). */
async function dispatch(unitIds: string[], reporting: object): Promise<string> {
  const created = await post('/directives', clerk, {
    issuerId: org.ids.A,
    type: 'CV',
    place: 'Tây Ninh',
    subject: `V/v báo cáo định kỳ ${newKey().slice(0, 6)}`,
    tasks: ['Định kỳ ngày 08 hàng tháng, báo cáo kết quả về LĐLĐ huyện.'],
    addressees: { mode: 'units', unitIds },
    reporting: { form, ...reporting },
  }).expect(201);
  const id = created.body.id as string;
  await post(`/directives/${id}/submit`, clerk, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, leader.token, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${id}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the directive to be dispatched',
    async () => (await get(`/directives/${id}`, clerk)).body.status === 'dispatched',
    {
      timeoutMs: 60_000,
    },
  );
  return id;
}

/** Units of A's subtree that report, each with a clerk who files for it. */
async function reporters(n: number): Promise<{ id: string; token: string }[]> {
  const ids = await importUnitsUnderA(
    api,
    org,
    Array.from({ length: n }, (_, i) => [`G${i}`, 'grassroots_union', null] as [string, string, null]),
  );
  return Promise.all(
    Object.values(ids).map(async (id) => ({ id, token: (await addMember(api, org, id, 'clerk')).token })),
  );
}

const report = (directiveId: string, unit: { id: string; token: string }, cycle: number) =>
  post(`/directives/${directiveId}/reports`, unit.token, { unitId: unit.id, cycle, values: { sessions: 1 } });

describe('the working calendar', () => {
  it('lists the announced years as official with their sources, and computes the years not announced', async () => {
    const list = await get('/calendar/years', clerk).expect(200);
    const years = list.body as { year: number; state: string; stored: boolean; source: string }[];
    for (const y of VN_OFFICIAL_YEARS) {
      expect(years.find((x) => x.year === y.year)).toMatchObject({
        state: 'official',
        stored: true,
        source: y.source,
      });
    }
    expect(years.find((x) => x.year === 2027)).toMatchObject({ state: 'provisional', stored: false });
    const y2027 = await get('/calendar/years/2027', clerk).expect(200);
    expect(y2027.body.daysOff.map((d: { date: string }) => d.date)).toEqual(
      expect.arrayContaining(['2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10']),
    );
    const y2026 = await get('/calendar/years/2026', clerk).expect(200);
    expect(y2026.body.workedDays).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ date: '2026-01-10', source: 'Công văn 12729/VPCP-KGVX ngày 25/12/2025' }),
      ]),
    );
  });

  it('refuses bad years field by field, stores nothing, and lets only system administrators change it', async () => {
    const good = {
      state: 'official',
      source: 'Thông báo thử nghiệm ngày 01/12/2026',
      daysOff: [{ date: '2031-01-01', name: 'Tết Dương lịch' }],
      workedDays: [],
    };
    const cases: [object, string][] = [
      [{ ...good, daysOff: [{ date: '2030-12-31', name: 'x' }] }, 'daysOff.0.date'],
      [{ ...good, daysOff: [good.daysOff[0], good.daysOff[0]] }, 'daysOff.1.date'],
      [{ ...good, daysOff: [{ date: '31/12/2031', name: 'x' }] }, 'daysOff.0.date'],
      [{ ...good, workedDays: [{ date: '2031-01-06', name: 'x' }] }, 'workedDays.0.date'],
    ];
    for (const [body, field] of cases) {
      const res = await put('/calendar/years/2031', org.admin, body);
      expect([res.status, res.body.error.code]).toEqual([400, 'CALENDAR_YEAR_INVALID']);
      expect(res.body.error.message).toContain(field);
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const bad = await put('/calendar/years/20x1', org.admin, good);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'CALENDAR_YEAR_INVALID']);
    const forbidden = await put('/calendar/years/2031', clerk, good);
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'SYSTEM_ADMIN_ONLY']);
    const rows = await pg.query(`SELECT 1 FROM calendar_year WHERE year = 2031`);
    expect(rows.rowCount).toBe(0);
    expect((await get('/calendar/years/2031', clerk).expect(200)).body).toMatchObject({
      stored: false,
      state: 'provisional',
    });
  });

  it('warns on /health of a year ahead with only provisional days off', async () => {
    const health = await http().get('/health').expect(200);
    const soon = new Date(Date.now() + 90 * 86_400_000).getUTCFullYear();
    const official = new Set(VN_OFFICIAL_YEARS.map((y) => y.year));
    if (official.has(soon)) expect(health.body.warnings).toEqual([]);
    else expect(health.body.warnings.join('\n')).toContain(`calendar: ${soon} has only provisional days off`);
  });

  it('previews deadlines with the worker’s computation, provisional where a year is not announced', async () => {
    const res = await post('/schedules/preview', clerk, {
      schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' },
      policy: 'next-working-day',
      stagger: [0, 2],
      cycles: 3,
    }).expect(200);
    expect(res.body.cycles).toEqual([
      expect.objectContaining({ index: 0, label: '2026-12', provisional: false }),
      expect.objectContaining({ index: 1, label: '2027-01', provisional: true }),
      expect.objectContaining({
        index: 2,
        label: '2027-02',
        provisional: true,
        period: { from: '2027-01-09', to: '2027-02-08' },
        deadlines: [
          { tier: 0, lastDay: '2027-02-11', at: '2027-02-11T17:00:00.000Z' },
          { tier: 1, lastDay: '2027-02-11', at: '2027-02-11T17:00:00.000Z' },
        ],
      }),
    ]);
    const bad = await post('/schedules/preview', clerk, {
      schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' },
      stagger: [2, 0],
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'SCHEDULE_INVALID']);
    expect(bad.body.error.message).toContain('stagger.1');
  });
});

describe('cascade calendar', () => {
  it('imports a year from a file, refuses a bad one naming the field, shows, lists and confirms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-calendar-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ year: 2033, source: 'x', daysOff: [{ date: '2033-02-30', name: 'x' }] }),
    );
    const refused = await cascade('calendar', 'import', bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('daysOff.0.date: must be a date yyyy-mm-dd');
    expect((await pg.query(`SELECT 1 FROM calendar_year WHERE year = 2033`)).rowCount).toBe(0);
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        year: 2033,
        source: 'Thông báo thử nghiệm 2/TB-TEST',
        daysOff: [{ date: '2033-01-03', name: 'Nghỉ bù Tết Dương lịch' }],
        workedDays: [{ date: '2033-01-08', name: 'Làm bù' }],
      }),
    );
    try {
      const imported = await cascade('calendar', 'import', good);
      expect([imported.code, imported.stdout.trim()]).toEqual([0, '2033: stored, 0 cycle(s) rescheduled']);
      expect((await cascade('calendar', 'import', good)).stdout.trim()).toBe(
        '2033: unchanged, 0 cycle(s) rescheduled',
      );
      const shown = await cascade('calendar', 'show', '2033', '--json');
      expect(JSON.parse(shown.stdout)).toMatchObject({
        year: 2033,
        state: 'official',
        stored: true,
        workedDays: [{ date: '2033-01-08', name: 'Làm bù', source: null }],
      });
      const listed = await cascade('calendar', 'list');
      expect(listed.stdout).toMatch(/^2033 {2}official +stored +1 days off, 1 worked/m);
      expect(listed.stdout).toMatch(/^2027 {2}provisional +computed/m);
      const confirmed = await cascade(
        'calendar',
        'confirm',
        '2034',
        '--source',
        'Thông báo thử nghiệm 3/TB-TEST',
      );
      expect(confirmed.code).toBe(0);
      expect((await get('/calendar/years/2034', clerk).expect(200)).body).toMatchObject({
        state: 'official',
        stored: true,
        source: 'Thông báo thử nghiệm 3/TB-TEST',
      });
      expect((await cascade('calendar', 'confirm', '2034')).code).toBe(2); // no --source
    } finally {
      await pg.query(`DELETE FROM calendar_year WHERE year IN (2033, 2034)`);
    }
  });
});

describe('a monthly directive from December 2026 into 2027', () => {
  it('takes December’s report, plans 2027 provisional, and an official 2027 moves only the cycles not opened', async () => {
    const [unit] = await reporters(1);
    const id = await dispatch([unit.id], {
      schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' },
      policy: 'next-working-day',
      stagger: [0, 2],
    });
    const cycles = (await get(`/directives/${id}/cycles?count=3`, clerk).expect(200)).body.cycles;
    expect(cycles.map((c: { label: string; provisional: boolean }) => [c.label, c.provisional])).toEqual([
      ['2026-12', false],
      ['2027-01', true],
      ['2027-02', true],
    ]);
    expect(cycles[2].deadlines[0].lastDay).toBe('2027-02-11'); // "ngày 08" moved past Tết 2027 (4–10 February)
    // December is open and takes its report, on time; January is planned, provisional, and opens on 1 January.
    const december = await report(id, unit, 0).expect(201);
    expect(december.body).toMatchObject({ label: '2026-12', late: false, provisional: false });
    const january = await report(id, unit, 1);
    expect([january.status, january.body.error.code]).toEqual([409, 'CYCLE_NOT_OPEN']);
    expect(january.body.error.message).toContain('2027-01 opens at 2026-12-31T17:00:00.000Z');

    // A correction of 2026 (8 December made a day off) must not move December: it has opened.
    const y2026 = VN_OFFICIAL_YEARS.find((y) => y.year === 2026)!;
    const corrected = {
      ...y2026,
      year: undefined,
      daysOff: [...y2026.daysOff, { date: '2026-12-08', name: 'Thử nghiệm' }],
    };
    try {
      const changed = await put('/calendar/years/2026', org.admin, corrected).expect(200);
      expect(changed.body).toMatchObject({ changed: true, revision: 2 });
      const after = (await get(`/directives/${id}/cycles?count=1`, clerk).expect(200)).body.cycles[0];
      expect(after.deadlines).toEqual(cycles[0].deadlines);
      const preview = await post('/schedules/preview', clerk, {
        schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' },
        policy: 'next-working-day',
        cycles: 1,
      }).expect(200);
      expect(preview.body.cycles[0].deadlines[0].lastDay).toBe('2026-12-09'); // a new directive would see it
    } finally {
      await put('/calendar/years/2026', org.admin, { ...y2026, year: undefined }).expect(200);
    }

    // The official 2027 arrives (a test announcement: 8 January off, Tết 5–11 February). January — stored, as the
    // next cycle — moves to the 11th and stops being provisional, with an event; February, not planned yet, reads
    // the new days (the 12th); December, opened, stays.
    const official2027 = {
      state: 'official',
      source: 'Thông báo thử nghiệm 1/TB-TEST ngày 01/12/2026',
      daysOff: [
        { date: '2027-01-01', name: 'Tết Dương lịch' },
        { date: '2027-01-08', name: 'Thử nghiệm' },
        ...['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'].map((date) => ({
          date,
          name: 'Tết Nguyên đán',
        })),
      ],
      workedDays: [],
    };
    try {
      const stored = await put('/calendar/years/2027', org.admin, official2027).expect(200);
      expect(stored.body).toMatchObject({ year: 2027, state: 'official', stored: true, changed: true });
      expect(stored.body.rescheduled.filter((r: { directiveId: string }) => r.directiveId === id)).toEqual([
        { directiveId: id, cycle: 1 },
      ]);
      const again = await put('/calendar/years/2027', org.admin, official2027).expect(200);
      expect(again.body).toMatchObject({ changed: false, rescheduled: [], revision: stored.body.revision });
      const now = (await get(`/directives/${id}/cycles?count=3`, clerk).expect(200)).body.cycles;
      expect(now[0]).toEqual(cycles[0]);
      expect(now[1]).toMatchObject({ label: '2027-01', provisional: false, opened: false });
      expect(now[1].deadlines.map((d: { lastDay: string }) => d.lastDay)).toEqual([
        '2027-01-11',
        '2027-01-11',
      ]);
      expect(now[2]).toMatchObject({ label: '2027-02', provisional: false });
      expect(now[2].deadlines.map((d: { lastDay: string }) => d.lastDay)).toEqual([
        '2027-02-12',
        '2027-02-12',
      ]);
      const events = (await get(`/directives/${id}/events`, clerk).expect(200)).body.items as {
        action: string;
        data: { cycle: number; before: unknown; after: unknown };
      }[];
      const rescheduled = events.filter((e) => e.action === 'cycle.rescheduled');
      expect(rescheduled.map((e) => e.data.cycle)).toEqual([1]);
      expect(rescheduled[0].data).toMatchObject({
        before: { provisional: true, deadlines: cycles[1].deadlines },
        after: {
          provisional: false,
          deadlines: [
            { tier: 0, lastDay: '2027-01-11', at: '2027-01-11T17:00:00.000Z' },
            { tier: 1, lastDay: '2027-01-11', at: '2027-01-11T17:00:00.000Z' },
          ],
        },
      });
      // only the opened cycle and the next one were stored
      const storedRows = await pg.query(
        `SELECT cycle FROM reporting_cycle WHERE directive_id = $1 ORDER BY cycle`,
        [id],
      );
      expect(storedRows.rows.map((r) => r.cycle)).toEqual([0, 1]);
    } finally {
      await pg.query(`DELETE FROM calendar_year WHERE year = 2027`);
    }
  });
});

describe('a cycle open now whose deadline falls in 2027', () => {
  it('takes a report against its provisional deadline, moved past Tết 2027, and says so', async () => {
    const [unit] = await reporters(1);
    // "Đợt 1" runs from today to 8 February 2027, a Monday inside the computed Tết holiday (4–10 February)
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const id = await dispatch([unit.id], {
      schedule: { kind: 'phases', phases: [{ name: 'Đợt 1', opens: today, closes: '2027-02-08' }] },
      policy: 'next-working-day',
    });
    const [phase] = (await get(`/directives/${id}/cycles`, clerk).expect(200)).body.cycles;
    expect(phase).toMatchObject({ label: 'Đợt 1', provisional: true, opened: true });
    expect(phase.deadlines[0]).toEqual({ tier: 0, lastDay: '2027-02-11', at: '2027-02-11T17:00:00.000Z' });
    const filed = await report(id, unit, 0).expect(201);
    expect(filed.body).toMatchObject({
      label: 'Đợt 1',
      late: false,
      provisional: true,
      deadline: '2027-02-11T17:00:00.000Z',
    });
    const aggregate = await get(`/directives/${id}/aggregate?unitId=${org.ids.A}&cycle=0`, clerk).expect(200);
    expect(aggregate.body).toMatchObject({ label: 'Đợt 1', provisional: true });
  });
});

/** Every unit's overdue mark for a cycle, and whether it has an on-time report. */
async function marks(directiveId: string, cycle: number) {
  const rows = await pg.query<{ unit_id: string; marked: boolean; on_time: boolean }>(
    `SELECT r.unit_id,
            EXISTS (SELECT 1 FROM escalation e WHERE e.directive_id = r.directive_id AND e.unit_id = r.unit_id
                       AND e.cycle = $2 AND e.level = 'overdue') AS marked,
            EXISTS (SELECT 1 FROM report p WHERE p.directive_id = r.directive_id AND p.unit_id = r.unit_id
                       AND p.cycle = $2 AND NOT p.late) AS on_time
       FROM routing_node r WHERE r.directive_id = $1 AND NOT r.is_hub`,
    [directiveId, cycle],
  );
  return rows.rows;
}

const overdueStepRan = (directiveId: string, cycle: number, units: number) =>
  waitFor(
    'the overdue step to run',
    async () => {
      const done = await pg.query(
        `SELECT 1 FROM escalation WHERE directive_id = $1 AND cycle = $2 AND level = 'overdue'`,
        [directiveId, cycle],
      );
      const reported = await pg.query(
        `SELECT DISTINCT unit_id FROM report WHERE directive_id = $1 AND cycle = $2 AND NOT late`,
        [directiveId, cycle],
      );
      return (done.rowCount ?? 0) + (reported.rowCount ?? 0) >= units;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );

describe('lateness decided where it happens', () => {
  it('reports racing the deadline: each unit is marked overdue exactly when it has no on-time report', async () => {
    const units = await reporters(12);
    const id = await dispatch(
      units.map((u) => u.id),
      { schedule: { kind: 'interval', everySeconds: 20, count: 1 }, escalation: { parentAfter: 'PT1H' } },
    );
    const [cycle] = (await get(`/directives/${id}/cycles?count=1`, clerk).expect(200)).body.cycles;
    const deadline = Date.parse(cycle.deadlines[0].at);
    // Two units well before; then the rest in waves around the deadline (400 ms before it to 400 ms after).
    await Promise.all(units.slice(0, 2).map((u) => report(id, u, 0).expect(201)));
    const waves = [-400, -150, -30, 0, 30, 150, 400];
    const rest = units.slice(2, 2 + waves.length);
    await Promise.all(
      rest.map(async (u, i) => {
        await waitFor('the wave', () => Date.now() >= deadline + waves[i], {
          timeoutMs: 60_000,
          intervalMs: 5,
        });
        await report(id, u, 0).expect(201);
      }),
    );
    // The last three never report.
    await overdueStepRan(id, 0, units.length);
    const result = await marks(id, 0);
    expect(result).toHaveLength(units.length);
    for (const r of result) expect([r.unit_id, r.marked]).toEqual([r.unit_id, !r.on_time]);
    // both outcomes occurred among the waves themselves, not only among the early and the silent units
    const waved = result.filter((r) => rest.some((u) => u.id === r.unit_id));
    expect(waved.some((r) => r.on_time)).toBe(true);
    expect(waved.some((r) => r.marked)).toBe(true);
    // A report that was late says so, with the stored deadline.
    const late = await pg.query(`SELECT late, deadline, submitted_at FROM report WHERE directive_id = $1`, [
      id,
    ]);
    for (const r of late.rows)
      expect(r.late).toBe(r.submitted_at.getTime() >= new Date(r.deadline).getTime());
  });

  it('reports while the worker is stopped across the deadline: marks when it catches up, and no stale reminder', async () => {
    const units = await reporters(5);
    const id = await dispatch(
      units.map((u) => u.id),
      {
        schedule: { kind: 'interval', everySeconds: 15, count: 1 },
        escalation: { remindBefore: 'PT5S', parentAfter: 'PT1H' },
      },
    );
    // Stopped once the reporting workflow has planned its cycle and sleeps on its first timer (an activity cut short
    // by the stop would wait out its start-to-close timeout instead, which is another fault than this one).
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    const client = new Client({ connection });
    const reporting = client.workflow.getHandle(reportingWorkflowId(id));
    await waitFor('the reporting workflow to wait on its first timer', async () => {
      const events = (await reporting.fetchHistory()).events ?? [];
      return (
        events.some((e) => e.timerStartedEventAttributes) &&
        events.at(-1)?.workflowTaskCompletedEventAttributes
      );
    });
    await worker!.close();
    worker = null;
    const [cycle] = (await get(`/directives/${id}/cycles?count=1`, clerk).expect(200)).body.cycles;
    const deadline = Date.parse(cycle.deadlines[0].at);
    await Promise.all(units.slice(0, 2).map((u) => report(id, u, 0).expect(201))); // on time
    await waitFor('the deadline to pass', () => Date.now() > deadline + 1_000, { timeoutMs: 60_000 });
    const late = await report(id, units[2], 0).expect(201); // late, while the worker is down
    expect(late.body.late).toBe(true);
    worker = await startWorker();
    await overdueStepRan(id, 0, units.length);
    const result = await marks(id, 0);
    for (const r of result) expect([r.unit_id, r.marked]).toEqual([r.unit_id, !r.on_time]);
    expect(
      result
        .filter((r) => r.marked)
        .map((r) => r.unit_id)
        .sort(),
    ).toEqual([units[2].id, units[3].id, units[4].id].sort());
    // The reminder "5 seconds before the deadline" fell while the worker was down: skipped, not sent late.
    const reminded = await pg.query(
      `SELECT 1 FROM escalation WHERE directive_id = $1 AND level = 'reminded'`,
      [id],
    );
    expect(reminded.rowCount).toBe(0);
    // Closed, its reporting workflow ends; with CAPTURE_HISTORIES=1 its history (the stored-cycles patch, a skipped
    // reminder, the overdue mark after the outage) is kept for the replay tests.
    await post(`/directives/${id}/close`, leader.token, { reason: 'Kết thúc thử nghiệm' }).expect(200);
    try {
      await waitFor(
        'the reporting workflow to end',
        async () => (await reporting.describe()).status.name === 'COMPLETED',
      );
      if (process.env.CAPTURE_HISTORIES)
        await saveHistory(client, reportingWorkflowId(id), 'outage-caught-up');
    } finally {
      await connection.close();
    }
  });
});
