/**
 * Every page of the web app, as each role would see it (a clerk, a leader, a receiving unit, an auditor, a unit
 * administrator, a system administrator with no unit), in a real browser against the real stack. On each
 * Vietnamese page: no raw code of the vocabulary (a status, role, unit kind, policy, ladder rung, field type, event
 * type) or of the API's error codes, and none of the vocabulary's English words, is visible; axe-core finds no
 * serious or critical violation; the favicon loads. Screenshots go to .data/screenshots/web-walk/ (git-ignored).
 */
import { join } from 'node:path';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { addMember, auth, importUnitsUnderA, systemAdmin, type Org } from './support/org';
import { newKey } from './support/ids';
import { desk as deskOf, issue } from './support/desk';
import { waitFor } from './support/wait-for';
import {
  axeProblems,
  headerLayout,
  navTo,
  rawWords,
  ROOT,
  screenshots,
  signedIn as signedInTo,
  startBrowserStack,
  stopBrowserStack,
  type BrowserStack,
} from './support/browser';

jest.setTimeout(300_000);

let stack: BrowserStack;
let api: INestApplication;
let org: Org;
let base: string;
let problems: string[];

beforeAll(async () => {
  stack = await startBrowserStack();
  ({ api, org, base } = stack);
  problems = stack.errors;
});

afterAll(() => stopBrowserStack(stack));

const signedIn = (email: string): Promise<Page> => signedInTo(stack, email);
const shot = screenshots(join(ROOT, '.data', 'screenshots', 'web-walk'));

/** Opens `path`, waits for it to settle, then checks its words and its accessibility. */
async function visit(page: Page, who: string, path: string, ready?: (p: Page) => Promise<unknown>) {
  await page.goto(`${base}/#${path}`);
  await page.locator('main').waitFor();
  if (ready) await ready(page);
  await page.waitForLoadState('networkidle');
  await shot(page, `${who}${path.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 80));
  problems.push(...(await rawWords(page, `${who} ${path}`)), ...(await axeProblems(page, `${who} ${path}`)));
}

describe('every page, as every role', () => {
  it('shows Vietnamese words only and passes axe-core', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['P', 'federation', null],
      ['G', 'grassroots_union', 'P'],
    ]);
    const p = await deskOf(api, org, id.P);
    const form = {
      fields: [
        {
          key: 'sessions',
          label: 'Số buổi tuyên truyền',
          type: 'integer',
          required: true,
          min: 0,
          aggregate: 'sum',
        },
        { key: 'note', label: 'Kết quả thực hiện', type: 'text', required: false, aggregate: 'collect' },
      ],
    };
    const directive = await issue(api, p, {
      type: 'KH',
      subject: 'Kế hoạch tuyên truyền tháng',
      tasks: ['Tổ chức tuyên truyền.', 'Báo cáo kết quả.'],
      issuerId: id.P,
      addressees: { mode: 'children' },
      reporting: {
        schedule: { kind: 'monthly', rule: 'before', day: 20, from: new Date().toISOString().slice(0, 7) },
        form,
      },
    });
    const unitClerk = await addMember(api, org, id.G, 'clerk');
    const auditor = await addMember(api, org, id.P, 'auditor');
    const admin = await addMember(api, org, id.P, 'admin');
    const root = await systemAdmin(api);
    const common = ['/', '/inbox', '/registers', '/reports-received', '/calendar'];

    const c = await signedIn(p.clerk.email);
    for (const path of [...common, '/compose', `/d/${directive}`]) await visit(c, 'clerk', path);

    // a second directive, submitted for review: the leader returns it with a comment
    const post = (path: string, token: string, body: object) =>
      request(api.getHttpServer()).post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
    const drafted = await post('/directives', p.clerk.token, {
      type: 'CV',
      subject: 'Công văn về tổng kết năm',
      tasks: ['Gửi báo cáo tổng kết.'],
      issuerId: id.P,
      addressees: { mode: 'children' },
      reporting: {
        schedule: { kind: 'monthly', rule: 'before', day: 20, from: new Date().toISOString().slice(0, 7) },
        form,
      },
    }).expect(201);
    const draft = drafted.body.id as string;
    await post(`/directives/${draft}/submit`, p.clerk.token, { version: 1 }).expect(200);

    const l = await signedIn(p.leader.email);
    await visit(l, 'leader', `/d/${draft}`, (x) =>
      x.getByTestId('directive-summary').getByText('Tất cả đơn vị trực thuộc').waitFor(),
    );
    await l.getByRole('button', { name: 'Trả lại để sửa' }).click();
    const dialog = l.getByRole('dialog', { name: 'Trả lại để sửa' });
    await dialog.getByRole('button', { name: 'Trả lại để sửa' }).click();
    // no comment: said beside the field, nothing sent
    await dialog.getByText('Ghi ý kiến để người soạn biết cần sửa gì.').waitFor();
    await dialog.getByLabel('Ý kiến').fill('Bổ sung thời hạn gửi báo cáo.');
    await dialog.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await l.getByTestId('status').filter({ hasText: 'Dự thảo' }).waitFor();
    // the official document of a dispatched directive: opened with the session, or, not made yet, said so in words
    await l.goto(`${base}/#/d/${directive}`);
    const opened = l
      .waitForEvent('popup')
      .then(() => 'opened')
      .catch(() => 'nothing');
    await l.getByRole('button', { name: 'Xem văn bản (PDF)' }).click();
    const notYet = l
      .getByText(/Văn bản chính thức chưa được tạo/)
      .waitFor()
      .then(() => 'not made yet')
      .catch(() => 'nothing');
    expect(['opened', 'not made yet']).toContain(await Promise.race([opened, notYet]));

    for (const path of [...common, `/d/${directive}`, `/d/${directive}?cycle=1`])
      await visit(l, 'leader', path, (x) =>
        path.startsWith('/d/') ? x.getByTestId('status').waitFor() : Promise.resolve(),
      );

    const u = await signedIn(unitClerk.email);
    for (const path of common) await visit(u, 'unit', path);
    // the inbox: the directive arrived, unread, counted in the header; marked read, the count falls
    await visit(u, 'unit', '/inbox', (x) =>
      x.getByTestId('inbox').getByText('Kế hoạch tuyên truyền tháng').waitFor(),
    );
    await u.getByRole('link', { name: 'Thông báo: 1 chưa đọc' }).first().waitFor();
    await u.getByTestId('inbox').getByRole('button', { name: 'Đánh dấu đã đọc' }).click();
    await u.getByTestId('inbox').getByText('Đã đọc').waitFor();
    await u.getByRole('link', { name: 'Thông báo: 0 chưa đọc' }).first().waitFor();
    await visit(u, 'unit', '/inbox?kind=due');
    await visit(u, 'unit', '/inbox?kind=escalated');
    await visit(u, 'unit', `/received/${directive}`, (x) => x.getByTestId('node-status').waitFor());
    await u.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await u.getByTestId('node-status').filter({ hasText: 'Đã nhận' }).waitFor();
    // the issuer's clerk still has the directive open: the API's live stream tells it (no polling, no reload)
    await c.locator('[role=tree] .badge.accepted').first().waitFor({ timeout: 10_000 });
    // the header's search box: accents and case ignored, a results page that links to the directive
    await c.getByRole('searchbox', { name: 'Tìm văn bản', exact: true }).fill('TUYEN truyen thang');
    await c.keyboard.press('Enter');
    await c.waitForURL(/#\/search\?q=TUYEN/);
    await visit(c, 'clerk', '/search?q=TUYEN%20truyen%20thang', (x) =>
      x.getByTestId('search-results').getByRole('link', { name: 'Kế hoạch tuyên truyền tháng' }).waitFor(),
    );
    await u.getByLabel('Số buổi tuyên truyền').fill('4');
    await u.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await u.getByTestId('sent').waitFor();
    await visit(u, 'unit', `/received/${directive}`, (x) => x.getByTestId('sent').waitFor());
    await u.setViewportSize({ width: 390, height: 844 });
    await visit(u, 'unit-phone', `/received/${directive}`, (x) => x.getByTestId('my-deadline').waitFor());
    // a phone: the header no wider than the screen, its menu in the drawer
    expect((await headerLayout(u)).overflows).toBe(false);
    await navTo(u, 'Sổ văn bản');
    await u.getByTestId('register').waitFor();

    const a = await signedIn(auditor.email);
    for (const path of [...common, `/audit/${directive}`])
      await visit(a, 'auditor', path, (x) => x.locator('main').waitFor());
    await visit(a, 'auditor', `/audit/${directive}`, (x) => x.getByTestId('timeline').waitFor());

    const o = await signedIn(admin.email);
    for (const path of [...common, '/organisation', '/delegations'])
      await visit(o, 'admin', path, (x) => x.locator('main').waitFor());
    // the administrator's header on a 1280×800 laptop: one row, its seven items folding into "…" what does not fit
    await o.setViewportSize({ width: 1280, height: 800 });
    await visit(o, 'admin-1280', '/', (x) => x.locator('main').waitFor());
    const oneRow = async () => {
      const at = await headerLayout(o);
      return at.rows === 1 && !at.overflows && at.height <= 64;
    };
    await waitFor('the header in one row at 1280 px', oneRow, { timeoutMs: 5_000 }).catch(() => undefined);
    expect(await headerLayout(o)).toEqual({ height: expect.any(Number), overflows: false, rows: 1 });
    expect((await headerLayout(o)).height).toBeLessThanOrEqual(64);
    await navTo(o, 'Ủy quyền ký');
    await o.getByTestId('delegations').waitFor();
    await navTo(o, 'Lịch nghỉ');
    await o.getByTestId('calendar-years').waitFor();

    // the system administrator with no unit: told to pick a tree, which it then works on
    const s = await signedInTo(stack, root.email, (x) => x.getByTestId('no-unit').waitFor());
    await visit(s, 'system', '/');
    await visit(s, 'system', '/calendar');

    expect(problems).toEqual([]);
  });
});
