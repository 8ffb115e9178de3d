/**
 * The web app in a real browser (playwright-core driving Debian's chromium) against the real stack: a clerk imports a
 * seed directive from its text, a leader approves and signs it, a grassroots unit acknowledges and reports, the
 * issuer's routing dashboard shows the report, an auditor verifies the chain. Each page is saved as a screenshot in
 * test-artifacts/web/ (git-ignored); the browser's console must stay free of errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { Client, Connection } from '@temporalio/client';
import { reportingWorkflowId } from '@cascade/contracts';
import { cycleAt, vietnamCalendar } from '@cascade/domain';
import { newKey } from './support/ids';
import {
  addMember,
  auth,
  importUnitsUnderA,
  PASSWORD,
  SIGNING_AUTHORITY,
  systemAdmin,
  type Org,
} from './support/org';
import { waitFor } from './support/wait-for';
import { desk as deskOf, issue as issueDirective, type Desk } from './support/desk';
import {
  navTo,
  openSelect,
  optionWords,
  pick,
  ROOT,
  screenshots,
  signedIn as signedInTo,
  startBrowserStack,
  stopBrowserStack,
  type BrowserStack,
} from './support/browser';

jest.setTimeout(300_000);

const FIELD_TYPE_LABEL = 'Kiểu dữ liệu';

let stack: BrowserStack;
let api: INestApplication;
let org: Org;
let base: string;
let consoleErrors: string[];

beforeAll(async () => {
  stack = await startBrowserStack();
  ({ api, org, base } = stack);
  consoleErrors = stack.errors;
});

afterAll(() => stopBrowserStack(stack));

const signedIn = (email: string): Promise<Page> => signedInTo(stack, email);
const shot = screenshots(join(ROOT, 'test-artifacts', 'web'));

const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

const desk = (unitId: string) => deskOf(api, org, unitId);
const issue = (d: Desk, body: object) => issueDirective(api, d, body);

const acknowledge = (directiveId: string, unitId: string, token: string) =>
  post(`/directives/${directiveId}/acknowledge`, token, { unitId, decision: 'accept' }).expect(200);

const sessionsForm = {
  fields: [
    {
      key: 'sessions',
      label: 'Số buổi tuyên truyền',
      type: 'integer',
      required: true,
      min: 0,
      aggregate: 'sum',
    },
  ],
};

/** Today in Việt Nam, `days` from now (yyyy-mm-dd). */
const vnDay = (days = 0) =>
  new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
const dmy = (day: string) => day.split('-').reverse().join('/');

describe('the web app', () => {
  it('takes a directive from its text to a verified, reported dispatch', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['P', 'federation', null],
      ['G', 'grassroots_union', 'P'],
    ]);
    const clerk = await addMember(api, org, id.P, 'clerk');
    const leader = await addMember(api, org, id.P, 'leader', SIGNING_AUTHORITY);
    const unitClerk = await addMember(api, org, id.G, 'clerk');
    const auditor = await addMember(api, org, id.P, 'auditor');
    await request(api.getHttpServer())
      .put(`/units/${id.P}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [leader.id] })
      .expect(200);

    // the clerk imports the Tây Ninh letter: each part shown with its confidence, what is missing to confirm
    const c = await signedIn(clerk.email);
    await shot(c, '01-home-clerk');
    await navTo(c, 'Soạn văn bản');
    const text = readFileSync(
      join(ROOT, 'test', 'fixtures', 'directives', 'tay-ninh-district-union-monthly-8th.txt'),
      'utf8',
    );
    await c.getByLabel('Dán nội dung văn bản (hoặc chọn tệp .txt, .docx)').first().fill(text);
    await c.getByRole('button', { name: 'Đọc văn bản' }).click();
    await c.getByRole('heading', { name: 'Cần xác nhận' }).waitFor();
    await c.getByText('Văn bản không có trích yếu: nhập trích yếu ở ô "Trích yếu".').waitFor();
    const addressees = c.locator('tr[data-field="addressees"]');
    await addressees.getByText('CĐCS trực thuộc Liên đoàn Lao động huyện').waitFor();
    expect(await addressees.locator('td').nth(2).textContent()).toMatch(/^\d+ %$/);
    // "CĐCS trực thuộc …" resolves to every unit below the issuer: each is picked in the hierarchy
    expect(await c.getByRole('checkbox', { name: 'Đơn vị G' }).isChecked()).toBe(true);
    // the calendar preview: each level's deadline of the first cycles, by the same rules as the server
    const first = cycleAt(
      { kind: 'monthly', rule: 'on', day: 8, from: new Date().toISOString().slice(0, 7) },
      0,
      { calendar: vietnamCalendar(), policy: 'previous-working-day', stagger: [0, 2, 4], tiers: 3 },
    )!;
    const row = c.getByTestId('calendar').locator('tbody tr').first();
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      first.label,
      ...first.lastDays.map((x) => dmy(x!)),
    ]);
    // three cycles, computed by the server (POST /schedules/preview); a year not announced yet is marked provisional
    const rows = c.getByTestId('calendar').locator('tbody tr');
    await rows.nth(2).waitFor();
    for (const i of [0, 1, 2]) {
      const expected = cycleAt(
        { kind: 'monthly', rule: 'on', day: 8, from: new Date().toISOString().slice(0, 7) },
        i,
        { calendar: vietnamCalendar(), policy: 'previous-working-day', stagger: [0, 2, 4], tiers: 3 },
      )!;
      expect(await rows.nth(i).locator('td').allTextContents()).toEqual([
        expected.label,
        ...expected.lastDays.map((x) => dmy(x!)),
      ]);
      expect(await rows.nth(i).getAttribute('data-provisional')).toBe(String(expected.provisional));
    }
    // the schedule is editable: on the 10th instead of the 8th moves the preview with it
    await c.getByTestId('schedule').getByLabel('Ngày trong tháng').fill('10');
    const tenth = cycleAt(
      { kind: 'monthly', rule: 'on', day: 10, from: new Date().toISOString().slice(0, 7) },
      0,
      { calendar: vietnamCalendar(), policy: 'previous-working-day', stagger: [0, 2, 4], tiers: 3 },
    )!;
    await row
      .locator('td')
      .nth(1)
      .filter({ hasText: dmy(tenth.lastDays[0]!) })
      .waitFor();
    // the report form: the free-text answer, and a number of sessions
    await c.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
    const added = c.getByTestId('form-designer').locator('.row').nth(1);
    await added.getByLabel('Tên chỉ tiêu').fill('Số buổi tuyên truyền');
    await added.getByLabel('Mã').fill('sessions');
    // the field types offered are the domain's (the component test checks each against the domain's rules)
    const types = await openSelect(c, added, FIELD_TYPE_LABEL);
    expect(await optionWords(types)).toEqual([
      'Số nguyên',
      'Số thập phân',
      'Có/Không',
      'Văn bản tự do',
      'Chọn một trong danh sách',
    ]);
    await c.keyboard.press('Escape');
    await c.getByLabel('Trích yếu').fill('V/v hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020');
    await shot(c, '02-composer');
    await c.getByRole('button', { name: /Tạo dự thảo/ }).click();
    await c.getByTestId('status').filter({ hasText: 'Chờ xem xét' }).waitFor();
    await shot(c, '03-directive-in-review');
    expect(await c.locator('article ol > li').count()).toBe(3); // the three numbered tasks of the letter
    const directiveId = c.url().split('/').pop()!;

    // the leader approves and signs; the directive is dispatched
    const l = await signedIn(leader.email);
    await l
      .getByRole('link', { name: /hưởng ứng Giải Búa liềm vàng/ })
      .first()
      .click();
    await l.getByRole('button', { name: 'Đồng ý' }).click();
    await l.getByRole('button', { name: 'Ký ban hành' }).click();
    // the confirmation shows what will be issued: the addressees, the schedule's deadlines, the form
    const confirm = l.getByRole('dialog', { name: 'Xác nhận ký ban hành' });
    await confirm.getByTestId('directive-summary').getByText('Số buổi tuyên truyền').waitFor();
    await confirm.getByTestId('calendar').locator('tbody tr').first().waitFor();
    // the dialog has finished opening (antd's zoom motion) before the picture
    await l.locator('[class*="ant-zoom-"]').waitFor({ state: 'detached' });
    await shot(l, '04a-sign-confirmation');
    await confirm.getByRole('button', { name: 'Ký và ban hành' }).click();
    await l.getByTestId('status').filter({ hasText: 'Đã ban hành' }).waitFor({ timeout: 60_000 });
    await l.getByText(/Chữ ký số: TM\. BAN THƯỜNG VỤ PHÓ CHỦ TỊCH/).waitFor();
    await shot(l, '04-signed-dispatched');

    // the grassroots union acknowledges and reports through the form generated from the directive
    const u = await signedIn(unitClerk.email);
    await u
      .getByRole('link', { name: /hưởng ứng Giải Búa liềm vàng/ })
      .first()
      .click({ timeout: 60_000 });
    await u.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await u.getByTestId('node-status').filter({ hasText: 'Đã nhận' }).waitFor();
    await u.getByLabel('Kết quả thực hiện').fill('Đã quán triệt tới 100% đoàn viên.');
    await u.getByLabel('Số buổi tuyên truyền').fill('3');
    await u.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await u.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor();
    // its deadline, and what it sent (with the form's labels)
    await u
      .getByTestId('my-deadline')
      .filter({ hasText: /Hạn báo cáo: \d\d\/\d\d\/\d{4}/ })
      .waitFor();
    await u.getByTestId('sent').filter({ hasText: 'Số buổi tuyên truyền: 3' }).waitFor();
    await shot(u, '05-unit-reported');

    // the outgoing register: accent-insensitive search and filters
    await navTo(c, 'Sổ văn bản');
    await c.getByLabel('Tìm kiếm (không dấu cũng được)').fill('bua liem vang');
    await c.getByRole('combobox', { name: 'Trạng thái' }).selectOption('dispatched');
    await c.getByRole('link', { name: /hưởng ứng Giải Búa liềm vàng/ }).waitFor();
    await shot(c, '05b-register');
    await c.getByRole('combobox', { name: 'Loại văn bản' }).selectOption('KH');
    await c.getByText('Không có gì cần làm.').waitFor();

    // the issuer's routing dashboard shows the unit's report (it polls)
    await c.goto(`${base}/#/d/${directiveId}`);
    const rollup = c.locator('[data-testid^="rollup-"]').first();
    await rollup.filter({ hasText: /^(1 đúng hạn · 0 trễ|0 đúng hạn · 1 trễ)/ }).waitFor({ timeout: 30_000 });
    await c
      .getByTestId('coverage')
      .filter({ hasText: /1 (đúng hạn|trễ)/ })
      .waitFor({ timeout: 30_000 });
    await c
      .getByTestId('aggregate-values-main')
      .filter({ hasText: /Số buổi tuyên truyền\s*3/ })
      .waitFor();
    await c.getByTestId('aggregate-values-main').getByText('Đã quán triệt tới 100% đoàn viên.').waitFor();
    const download = c.waitForEvent('download');
    await c.getByRole('button', { name: 'CSV' }).click();
    expect((await download).suggestedFilename()).toBe('aggregate-1.csv');
    await shot(c, '06-routing-dashboard');

    // the auditor verifies the chain and the signature; the English toggle works
    const a = await signedIn(auditor.email);
    await a.goto(`${base}/#/audit/${directiveId}`);
    await a.getByRole('button', { name: 'Kiểm tra chuỗi và chữ ký' }).click();
    await a.getByTestId('verdict').filter({ hasText: 'Toàn vẹn' }).waitFor();
    await a.getByRole('button', { name: 'Chạy lại lịch sử quy trình' }).click();
    await a.getByTestId('replay').filter({ hasText: 'Lịch sử tái hiện đúng' }).waitFor({ timeout: 60_000 });
    // the slider at its start: the tree before anything was delivered; at its end: the unit has accepted
    await a.getByTestId('as-of').filter({ hasText: 'Đã nhận: 1' }).waitFor();
    await a.getByRole('slider').focus();
    await a.keyboard.press('Home');
    await a.getByTestId('as-of').filter({ hasNotText: 'Đã nhận' }).waitFor();
    // the timeline in words, with who did it
    await a.getByTestId('timeline').getByText('Ký ban hành').waitFor();
    // the case file opens with the session (a blob), never an UNAUTHENTICATED answer
    const caseFile = a.waitForEvent('popup');
    await a.getByRole('button', { name: 'Hồ sơ (bản in)' }).click();
    const opened = await caseFile;
    await opened.waitForLoadState();
    expect(opened.url()).toMatch(/^blob:/);
    expect(await opened.locator('body').textContent()).not.toContain('UNAUTHENTICATED');
    await opened.close();
    await a.getByRole('button', { name: 'English' }).click();
    await a.getByRole('button', { name: 'Verify chain and signatures' }).waitFor();
    await shot(a, '07-audit-verified');

    // a phone-sized screen gets the same page
    await a.setViewportSize({ width: 390, height: 844 });
    await shot(a, '08-audit-phone');
    // the header fits a phone: the brand shortened, the menu folded, no more than a fifth of the screen
    const top = (await a.locator('header').boundingBox())!;
    expect(top.width).toBeLessThanOrEqual(390);
    expect(top.height).toBeLessThan(844 / 5);

    // the unit's administrator: its tree, a CSV import, a new colleague
    const admin = await addMember(api, org, id.P, 'admin');
    const code = (await request(api.getHttpServer()).get(`/units/${id.P}`).set(auth(org.admin)).expect(200))
      .body.code as string;
    const o = await signedIn(admin.email);
    await navTo(o, 'Tổ chức');
    await o.getByTestId('units').getByText('Đơn vị G', { exact: true }).waitFor();
    await o
      .getByLabel('Nhập đơn vị (CSV: code,name,kind,parentCode)')
      .fill(`code,name,kind,parentCode\n${code}-G2,Đơn vị G2,grassroots_union,${code}`);
    await o.getByRole('button', { name: 'Nhập', exact: true }).click();
    await o.getByTestId('import-result').filter({ hasText: '1 tạo mới' }).waitFor();
    await o.getByTestId('units').getByText('Đơn vị G2').waitFor();
    const form = o.getByRole('form', { name: 'Thêm người dùng' });
    await form.getByLabel('Thư điện tử').fill(`moi-${code.toLowerCase()}@test.cascade.vn`);
    await form.getByLabel('Họ và tên').fill('Nguyễn Thị Mới');
    await form.getByLabel('Mật khẩu').fill(PASSWORD);
    await form.getByRole('button', { name: 'Thêm người dùng' }).click();
    await o
      .getByTestId('members')
      .getByText(/Nguyễn Thị Mới/)
      .waitFor();
    // the grassroots union's clerk gets a role at P too
    const grant = o.getByRole('form', { name: 'Giao vai trò cho người đã có tài khoản' });
    await grant.getByLabel('Thư điện tử').fill(unitClerk.email);
    await pick(o, grant, 'Vai trò', 'Chuyên viên');
    await grant.getByRole('button', { name: 'Giao vai trò cho người đã có tài khoản' }).click();
    await o.getByTestId('members').getByText(new RegExp(unitClerk.email)).waitFor();
    await shot(o, '09-organisation');

    // a system administrator's calendar page: the years with their state and source, 2027 computed (provisional),
    // 2026's swapped Saturday with its announcement; a worked "weekend" day that is a weekday is refused, naming it
    const root = await systemAdmin(api);
    const s = await signedIn(root.email);
    await navTo(s, 'Lịch nghỉ');
    const years = s.getByTestId('calendar-years');
    await years.getByRole('button', { name: '2027' }).click();
    await s.getByRole('heading', { name: '2027: Tạm tính' }).waitFor();
    await s.getByTestId('days-off').getByText('Thứ Hai 08/02/2027').waitFor();
    await years.getByRole('button', { name: '2026' }).click();
    await s.getByTestId('worked-days').getByText('Thứ Bảy 10/01/2026').waitFor();
    await s
      .getByTestId('worked-days')
      .getByText('Công văn 12729/VPCP-KGVX ngày 25/12/2025')
      .first()
      .waitFor();
    await years.getByRole('button', { name: '2027' }).click();
    const edit = s.getByTestId('calendar-edit');
    await edit.getByLabel('Căn cứ').fill('Thông báo thử nghiệm');
    await edit.getByLabel('Ngày làm bù, mỗi dòng: ngày và nội dung').fill('08/01/2027 Làm bù');
    await edit.getByRole('button', { name: 'Lưu lịch năm' }).click();
    await s.getByRole('alert').filter({ hasText: 'Lịch nghỉ của năm chưa hợp lệ' }).waitFor();
    await shot(s, '10-calendar');
    expect(consoleErrors).toEqual([]);
  });

  it('shows reports received through a department, an ad hoc stream, and phases beside a monthly report', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['P', 'federation', null],
      ['TG', 'department', 'P'],
      ['D', 'federation', 'P'],
      ['E', 'federation', 'P'],
      ['G1', 'grassroots_union', 'D'],
      ['G2', 'grassroots_union', 'D'],
      ['Q', 'federation', null],
      ['H', 'grassroots_union', 'Q'],
      ['S', 'federation', null],
      ['K', 'grassroots_union', 'S'],
    ]);

    // Routes: P's reports are collected by its department TG; D's aggregate goes to P through TG, and to E.
    const p = await desk(id.P);
    const department = await addMember(api, org, id.TG, 'clerk');
    const routed = await issue(p, {
      type: 'CV',
      subject: 'V/v báo cáo qua Ban Tuyên giáo',
      tasks: ['Báo cáo số buổi tuyên truyền.'],
      issuerId: id.P,
      addressees: { mode: 'subtree', depth: 2 },
      reporting: {
        schedule: { kind: 'interval', everySeconds: 60, count: 1 },
        stagger: [0, 5, 10],
        form: sessionsForm,
        routes: [
          { viaUnitId: id.TG },
          { hubUnitId: id.D, to: [{ unitId: id.P, viaUnitId: id.TG }, { unitId: id.E }] },
        ],
      },
    });
    for (const [unit, sessions] of [
      ['G1', 2],
      ['G2', 3],
    ] as const) {
      const clerk = await addMember(api, org, id[unit], 'clerk');
      await acknowledge(routed, id[unit], clerk.token);
      await post(`/directives/${routed}/reports`, clerk.token, {
        unitId: id[unit],
        cycle: 0,
        values: { sessions },
      }).expect(201);
    }
    // the issuer's page says where the reports go
    const pc = await signedIn(p.clerk.email);
    await pc.goto(`${base}/#/d/${routed}`);
    const routes = pc.getByTestId('routes');
    await routes.getByText('Báo cáo về Đơn vị P qua Đơn vị TG', { exact: true }).waitFor();
    await routes
      .getByText('Báo cáo về Đơn vị D; tổng hợp gửi Đơn vị P (qua Đơn vị TG) và Đơn vị E', { exact: true })
      .waitFor();
    await shot(pc, '11-routes');
    // the department's clerk: D's aggregate, come through it, in its register and in the directive's received view
    const tg = await signedIn(department.email);
    await navTo(tg, 'Báo cáo nhận được');
    const received = tg.getByTestId('reports-received').locator('tbody tr').filter({ hasText: 'Đơn vị D' });
    await received.filter({ hasText: 'Số buổi tuyên truyền: 5' }).waitFor({ timeout: 30_000 });
    expect(await received.locator('td').nth(2).textContent()).toBe('Gửi qua đơn vị');
    await shot(tg, '12-reports-received');
    await received.getByRole('link', { name: /qua Ban Tuyên giáo/ }).click();
    const sender = tg.getByTestId('senders').locator('tbody tr').filter({ hasText: 'Đơn vị D' });
    await sender.filter({ hasText: 'Số buổi tuyên truyền: 5' }).waitFor();
    expect(await sender.locator('td').nth(3).textContent()).toBe('2/2');
    await tg.getByTestId('sender-coverage').filter({ hasText: '1/1 đơn vị đã gửi' }).waitFor();
    await shot(tg, '13-received-view');

    // Ad hoc: the grassroots union files two reports as things happen; the stream and the totals show them.
    const q = await desk(id.Q);
    const adhoc = await issue(q, {
      type: 'CV',
      subject: 'V/v báo cáo kịp thời vụ việc phát sinh',
      tasks: ['Kịp thời báo cáo khi có vụ việc.'],
      issuerId: id.Q,
      addressees: { mode: 'children' },
      reporting: { schedule: { kind: 'adhoc' }, form: sessionsForm },
    });
    const hClerk = await addMember(api, org, id.H, 'clerk');
    const h = await signedIn(hClerk.email);
    await h.goto(`${base}/#/received/${adhoc}`);
    await h.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await h.getByTestId('node-status').filter({ hasText: 'Đã nhận' }).waitFor();
    const event = h.getByRole('form', { name: 'Báo cáo phát sinh' });
    for (const [n, sessions] of [
      [1, '2'],
      [2, '4'],
    ] as const) {
      await event.getByLabel('Số buổi tuyên truyền').fill(sessions);
      await event.getByRole('button', { name: 'Gửi báo cáo phát sinh' }).click();
      await event
        .getByRole('status')
        .filter({ hasText: `Đã lưu: báo cáo số ${n}.` })
        .waitFor();
    }
    const own = h.getByTestId('stream-main').locator('tbody tr');
    await own.nth(1).waitFor();
    expect(await own.locator('td:first-child').allTextContents()).toEqual(['#2', '#1']);
    await shot(h, '14-adhoc-unit');
    const qc = await signedIn(q.clerk.email);
    await qc.goto(`${base}/#/d/${adhoc}`);
    const stream = qc.getByTestId('stream-main').locator('tbody tr');
    await stream.nth(1).waitFor();
    expect(await stream.nth(0).locator('td').allTextContents()).toEqual([
      '#2',
      'Đơn vị H',
      expect.stringMatching(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/),
      'Số buổi tuyên truyền: 4',
    ]);
    expect(await stream.nth(1).locator('td').nth(3).textContent()).toBe('Số buổi tuyên truyền: 2');
    await qc
      .getByTestId('aggregate-values-main')
      .filter({ hasText: /Số buổi tuyên truyền\s*6/ })
      .waitFor();
    await shot(qc, '15-adhoc-stream');

    // Phases beside a monthly report: the last phase has no end date; the unit reports to it, the leader ends it.
    const s = await desk(id.S);
    const month = vnDay().slice(0, 7);
    const monthly = { kind: 'periodic', every: 'month', rule: 'on', day: 20, from: month } as const;
    const plan = await issue(s, {
      type: 'KH',
      subject: 'Kế hoạch thi đua theo đợt',
      tasks: ['Tổ chức thi đua theo từng đợt.'],
      issuerId: id.S,
      addressees: { mode: 'children' },
      reporting: {
        schedule: monthly,
        form: sessionsForm,
        schedules: [
          {
            key: 'phases',
            name: 'Các đợt thi đua',
            schedule: {
              kind: 'phases',
              phases: [
                { name: 'Đợt 1', opens: vnDay(-20), closes: vnDay(-10) },
                { name: 'Đợt 2', opens: vnDay() },
              ],
            },
          },
        ],
      },
    });
    const kClerk = await addMember(api, org, id.K, 'clerk');
    await acknowledge(plan, id.K, kClerk.token);
    const k = await signedIn(kClerk.email);
    await k.goto(`${base}/#/received/${plan}`);
    const form = k.getByRole('form', { name: 'Báo cáo' });
    await pick(k, form, 'Báo cáo theo', 'Các đợt thi đua');
    // the phase open now is the one chosen
    const cycle = form
      .locator('.ant-form-item')
      .filter({ hasText: 'Kỳ báo cáo' })
      .locator('.ant-select-content');
    await cycle.and(k.getByTitle('Đợt 2', { exact: true })).waitFor();
    expect(await optionWords(await openSelect(k, form, 'Kỳ báo cáo'))).toEqual(['Đợt 1', 'Đợt 2']);
    await k.keyboard.press('Escape');
    await form.getByLabel('Số buổi tuyên truyền').fill('7');
    await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await form.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor();
    await shot(k, '16-phase-report');
    const phaseReports = await get(
      `/directives/${plan}/reports?unitId=${id.S}&cycle=1&schedule=phases`,
      s.clerk.token,
    );
    expect(phaseReports.body.items).toEqual([
      expect.objectContaining({ unitId: id.K, values: { sessions: 7 } }),
    ]);

    const sl = await signedIn(s.leader.email);
    await sl.goto(`${base}/#/d/${plan}`);
    const tabs = sl.getByRole('tablist');
    await tabs.getByRole('tab').nth(1).waitFor();
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Lịch chính', 'Các đợt thi đua']);
    const first = cycleAt(monthly, 0, { calendar: vietnamCalendar(), policy: 'keep' })!;
    const firstRow = sl.getByTestId('schedule-main').locator(`tr[data-cycle="${first.label}"]`);
    await firstRow.waitFor();
    expect(await firstRow.locator('td').allTextContents()).toEqual([
      first.label,
      `${dmy(first.period!.from)}–${dmy(first.period!.to)}`,
      dmy(first.lastDays[0]!),
    ]);
    await tabs.getByRole('tab', { name: 'Các đợt thi đua' }).click();
    const phase2 = sl.getByTestId('schedule-phases').locator('tr[data-cycle="Đợt 2"]');
    await phase2.getByText('Chưa ấn định ngày kết thúc').waitFor();
    const phase1 = sl.getByTestId('schedule-phases').locator('tr[data-cycle="Đợt 1"]');
    expect(await phase1.locator('td').nth(1).textContent()).toBe(`${dmy(vnDay(-20))}–${dmy(vnDay(-10))}`);
    await shot(sl, '17-phases-open');
    // the phases' reporting workflow waits on the open phase: the closing signals it
    const temporal = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      const handle = new Client({ connection: temporal }).workflow.getHandle(reportingWorkflowId(plan, 1));
      await waitFor('the phases workflow', async () => (await handle.describe()).status.name === 'RUNNING');
    } finally {
      await temporal.close();
    }
    sl.once('dialog', (dialog) => void dialog.accept());
    await phase2.getByRole('button', { name: 'Kết thúc đợt' }).click();
    await phase2.filter({ hasNotText: 'Chưa ấn định ngày kết thúc' }).waitFor();
    expect(await phase2.locator('td').nth(2).textContent()).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    const closed = await get(`/directives/${plan}/cycles?schedule=phases`, s.clerk.token).expect(200);
    expect(closed.body.cycles[1].deadlines[0].closedAt).toEqual(expect.any(String));
    await shot(sl, '18-phase-closed');
    expect(consoleErrors).toEqual([]);
  });
});
