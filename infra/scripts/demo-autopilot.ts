/**
 * The live demo: LĐLĐ tỉnh Tây Ninh issues a directive built from the Tây Ninh seed (the Búa liềm vàng campaign) to
 * LĐLĐ huyện Châu Thành and its five grassroots unions, with a report every minute, and the units act by themselves
 * through the public API, as their users would:
 * - the district and the grassroots unions acknowledge it (one of them a few seconds later than the others);
 * - CĐCS 01–03 report each cycle on time, so the district aggregates and reports up to the province;
 * - CĐCS 04 reports each cycle late, after the district closed, so its report re-aggregates as a revision;
 * - CĐCS 05 never reports: it is reminded, marked overdue and escalated to the district's, then the province's leaders.
 * One directive per day (fixed idempotency keys), so running `npm start` again picks the same one up.
 * Runs until stopped (`npm run stop`), or with `--once` for a single pass.
 */
import { call, login, ok, unitId } from './demo-api';

const CYCLE_SECONDS = 60;
const password = process.env.CASCADE_DEMO_PASSWORD;
const adminEmail = process.env.CASCADE_ADMIN_EMAIL;
const adminPassword = process.env.CASCADE_ADMIN_PASSWORD;

const GRASSROOTS = ['01', '02', '03', '04', '05'] as const;
const userOf = (code: (typeof GRASSROOTS)[number]) =>
  code === '01' ? 'chuyenvien.thaibinh@demo.cascade.vn' : `chuyenvien.cdcs${code}.chauthanh@demo.cascade.vn`;

const say = (message: string) => console.log(`[autopilot ${new Date().toISOString()}] ${message}`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Directive {
  id: string;
  status: string;
  symbol: string | null;
  dispatchedAt: string | null;
}

async function issueDirective(day: string): Promise<Directive> {
  const admin = await login(adminEmail!, adminPassword!);
  const clerk = await login('vanthu.tayninh@demo.cascade.vn', password!);
  const leader = await login('lanhdao.tayninh@demo.cascade.vn', password!);
  const province = await unitId(admin, 'LDLD-TN');
  const leaderId = (ok(await call('GET', '/auth/me', leader), 'me') as { id: string }).id;
  ok(
    await call('PUT', `/units/${province}/review-chain`, admin, { reviewerIds: [leaderId] }),
    'review chain',
  );
  const units = [
    await unitId(admin, 'LDLD-TN-CT'),
    ...(await Promise.all(GRASSROOTS.map((c) => unitId(admin, `CDCS-TN-CT-${c}`)))),
  ];
  const key = `demo-tayninh-${day}`;
  const created = ok(
    await call(
      'POST',
      '/directives',
      clerk,
      {
        issuerId: province,
        type: 'CV',
        place: 'Tây Ninh',
        subject: 'V/v triển khai thực hiện và hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020',
        tasks: [
          'Quán triệt, triển khai thực hiện Kế hoạch số 255-KH/BTCTW, ngày 18/3/2020 và Công văn số 11021-CV/BTCTW, ngày 31/3/2020 của Ban Tổ chức Trung ương.',
          'Tổ chức phát động, tuyên truyền Giải Búa liềm vàng lần thứ V - năm 2020 và vận động cán bộ tham gia viết bài dự thi.',
          'Tích cực tuyên truyền về công tác xây dựng Đảng, nhất là Kế hoạch tuyên truyền đại hội đảng bộ các cấp.',
          'Định kỳ báo cáo kết quả về Liên đoàn Lao động huyện để tổng hợp báo cáo Liên đoàn Lao động tỉnh.',
        ],
        addressees: { mode: 'units', unitIds: units },
        copyRecipients: [
          { name: 'Ban TG-NC LĐLĐ tỉnh', role: 'report' },
          { name: 'Website LĐLĐ huyện', role: 'info' },
          { name: 'VP', role: 'filed' },
        ],
        implements: [
          { code: '812/LĐLĐ', date: '2020-04-23', issuerName: 'Ban Thường vụ LĐLĐ tỉnh Tây Ninh' },
        ],
        reporting: {
          // Demo pace: a cycle a minute (a real directive says { kind: 'monthly', rule: 'on', day: 8, from: … }).
          schedule: { kind: 'interval', everySeconds: CYCLE_SECONDS, count: 120 },
          stagger: [0, 15, 30],
          escalation: { remindBefore: 'PT20S', parentAfter: 'PT10S', issuerAfter: 'PT25S' },
          form: {
            fields: [
              {
                key: 'sessions',
                label: 'Số buổi tuyên truyền',
                type: 'integer',
                required: true,
                min: 0,
                aggregate: 'sum',
              },
              {
                key: 'articles',
                label: 'Số bài dự thi',
                type: 'integer',
                required: true,
                min: 0,
                aggregate: 'sum',
              },
              {
                key: 'briefed',
                label: 'Đã quán triệt',
                type: 'boolean',
                required: true,
                aggregate: 'countTrue',
              },
              { key: 'notes', label: 'Ghi chú', type: 'text', required: false, aggregate: 'collect' },
            ],
          },
        },
      },
      `${key}-draft`,
    ),
    'draft',
  ) as { id: string; version: number };
  const id = created.id;
  const step = async (path: string, token: string, body: object, name: string) =>
    ok(await call('POST', `/directives/${id}/${path}`, token, body, `${key}-${name}`), name, [409]);
  await step('submit', clerk, { version: 1 }, 'submit');
  await step('review', leader, { version: 1, decision: 'approve' }, 'approve');
  await step('sign', leader, { version: 1 }, 'sign');
  for (let i = 0; i < 100; i++) {
    const d = ok(await call('GET', `/directives/${id}`, clerk), 'directive') as Directive;
    if (d.status !== 'signed' && d.status !== 'approved') return d;
    await pause(300);
  }
  throw new Error(`directive ${id} was not dispatched`);
}

async function main(): Promise<void> {
  if (!password || !adminEmail || !adminPassword) {
    throw new Error('CASCADE_ADMIN_EMAIL, CASCADE_ADMIN_PASSWORD and CASCADE_DEMO_PASSWORD are required');
  }
  const day = new Date().toISOString().slice(0, 10);
  const directive = await issueDirective(day);
  say(`directive ${directive.symbol} (${directive.id}) is ${directive.status}; units act every few seconds`);
  if (directive.status !== 'dispatched' || !directive.dispatchedAt) return;
  const start = Date.parse(directive.dispatchedAt);
  const admin = await login(adminEmail, adminPassword);
  const district = {
    id: await unitId(admin, 'LDLD-TN-CT'),
    token: await login('vanthu.chauthanh@demo.cascade.vn', password),
  };
  const units = await Promise.all(
    GRASSROOTS.map(async (code) => ({
      code,
      id: await unitId(admin, `CDCS-TN-CT-${code}`),
      token: await login(userOf(code), password),
    })),
  );
  const once = process.argv.includes('--once');
  const reported = new Set<string>();
  for (;;) {
    const elapsed = (Date.now() - start) / 1000;
    const cycle = Math.floor(elapsed / CYCLE_SECONDS);
    const into = elapsed - cycle * CYCLE_SECONDS;
    const act = async (path: string, token: string, body: object, key: string) =>
      call('POST', `/directives/${directive.id}/${path}`, token, body, `demo-${directive.id}-${key}`);
    if (elapsed > 3)
      await act('acknowledge', district.token, { unitId: district.id, decision: 'accept' }, 'ack-ct');
    for (const u of units) {
      if (u.code === '05') continue; // never answers: the ladder escalates it
      if (elapsed > (u.code === '04' ? 12 : 2))
        await act('acknowledge', u.token, { unitId: u.id, decision: 'accept' }, `ack-${u.code}`);
      // On time a few seconds into the cycle; CĐCS 04 only after the district closed (15 s past the deadline).
      const due = u.code === '04' ? cycle - 1 : cycle;
      const ready = u.code === '04' ? into > 20 : into > 5 + Number(u.code) * 3;
      const mark = `${u.code}/${due}`;
      if (due >= 0 && ready && !reported.has(mark)) {
        const n = Number(u.code);
        const answer = await act(
          'reports',
          u.token,
          {
            unitId: u.id,
            cycle: due,
            values: {
              sessions: 1 + ((n + due) % 3),
              articles: (n * due) % 4,
              briefed: (n + due) % 2 === 0,
              notes: `Kỳ ${due + 1}`,
            },
          },
          `report-${u.code}-${due}`,
        );
        if (answer.status < 300 || answer.status === 409) reported.add(mark);
        if (answer.status < 300) {
          const b = answer.body as { late: boolean; afterClose: boolean; aggregates: { reason: string }[] };
          say(
            `CĐCS ${u.code} reported cycle ${due + 1}${b.late ? ' (late)' : ''}${b.aggregates.length ? ` → ${b.aggregates.map((a) => a.reason).join(', ')}` : ''}`,
          );
        } else if (answer.status !== 409) {
          say(`CĐCS ${u.code} report → ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }
    }
    if (once) return;
    await pause(2_000);
  }
}

/** Keeps going through the stack's hiccups (an API restart, a worker catching up): it is a demo, not a test. */
async function run(): Promise<void> {
  for (;;) {
    try {
      await main();
      if (process.argv.includes('--once')) return;
    } catch (error) {
      say(`error: ${(error as Error).message}; retrying in 10 s`);
      if (process.argv.includes('--once')) {
        process.exitCode = 1;
        return;
      }
    }
    await pause(10_000);
  }
}

void run();
