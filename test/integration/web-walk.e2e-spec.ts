/**
 * Every page of the web app, as each role would see it (a clerk, a leader, a receiving unit, an auditor, a unit
 * administrator, a system administrator with no unit), in a real browser against the real stack. On each
 * Vietnamese page: no raw code of the vocabulary (a status, role, unit kind, policy, ladder rung, field type, event
 * type) or of the API's error codes, and none of the vocabulary's English words, is visible; axe-core finds no
 * serious or critical violation; the favicon loads. Screenshots go to .data/screenshots/web-walk/ (git-ignored).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startApi, startWorker } from './support/apps';
import { addMember, auth, buildOrg, importUnitsUnderA, PASSWORD, systemAdmin, type Org } from './support/org';
import { newKey } from './support/ids';
import { desk as deskOf, issue } from './support/desk';
import { ERROR } from '../../apps/web/src/words/errors';
import { VOCABULARY, type Words } from '../../apps/web/src/words/vocabulary';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, '.data', 'screenshots', 'web-walk');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

/** Codes that are also ordinary parts of what a page shows (document type abbreviations are in every number). */
const SHOWN_AS_IS = new Set(Object.keys(VOCABULARY.DOC_TYPE));
/** Tables whose codes are also what a user types (the import's keys head the units CSV: code,name,kind,parentCode). */
const TYPED = new Set(['IMPORT_FIELD']);
/** The test's own people are named after their role ("clerk 395e", test/integration/support/org.ts): not the app's words. */
const FIXTURE_NAMES = /\b(clerk|leader|specialist|auditor|admin|connector) [0-9a-f]{4}\b/g;

/** Each code of the vocabulary and the API's errors, and each English word of the vocabulary, as a whole word. */
const FORBIDDEN: { what: string; pattern: RegExp }[] = (() => {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // a code stands alone: not part of an e-mail, a symbol (136/KH-LĐLĐ), a path or a longer word
  const whole = (s: string) => new RegExp(`(?<![\\p{L}\\p{N}_./@-])${escape(s)}(?![\\p{L}\\p{N}_/@-])`, 'u');
  const out: { what: string; pattern: RegExp }[] = [];
  for (const [table, words] of Object.entries(VOCABULARY) as [string, Record<string, Words>][])
    for (const [code, w] of Object.entries(words)) {
      if (!SHOWN_AS_IS.has(code) && !TYPED.has(table))
        out.push({ what: `${table}.${code}`, pattern: whole(code) });
      if (w.en !== w.vi) out.push({ what: `${table}.${code} (English)`, pattern: whole(w.en) });
    }
  for (const code of Object.keys(ERROR)) out.push({ what: `error ${code}`, pattern: whole(code) });
  return out;
})();

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html')))
    throw new Error('dist/web has no web app: run `npm run build` first (npm test does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium`);
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  await api.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${((api.getHttpServer() as Server).address() as AddressInfo).port}`;
  org = await buildOrg(api);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await api?.close();
});

const problems: string[] = [];

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (/favicon/.test(r.url()) && r.status() >= 400) problems.push(`favicon: ${r.status()} ${r.url()}`);
  });
  await page.goto(base);
  await page.getByLabel('Thư điện tử').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('link', { name: 'Sổ văn bản' }).waitFor();
  return page;
}

/** Opens `path`, waits for it to settle, then checks its words and its accessibility. */
async function visit(page: Page, who: string, path: string, ready?: (p: Page) => Promise<unknown>) {
  await page.goto(`${base}/#${path}`);
  await page.locator('main').waitFor();
  if (ready) await ready(page);
  await page.waitForLoadState('networkidle');
  const name = `${who}${path.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 80);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const text = (await page.locator('body').innerText()).replace(FIXTURE_NAMES, '');
  for (const f of FORBIDDEN) {
    const hit = f.pattern.exec(text);
    if (hit)
      problems.push(
        `${who} ${path}: ${f.what} shown ("…${text.slice(Math.max(0, hit.index - 30), hit.index + 30)}…")`,
      );
  }
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  for (const v of axe.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
    problems.push(
      `${who} ${path}: axe ${v.id} (${v.impact}) at ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
    );
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

    const a = await signedIn(auditor.email);
    for (const path of [...common, `/audit/${directive}`])
      await visit(a, 'auditor', path, (x) => x.locator('main').waitFor());
    await visit(a, 'auditor', `/audit/${directive}`, (x) => x.getByTestId('timeline').waitFor());

    const o = await signedIn(admin.email);
    for (const path of [...common, '/organisation'])
      await visit(o, 'admin', path, (x) => x.locator('main').waitFor());

    // the system administrator with no unit: told to pick a tree, which it then works on
    const s = await browser.newContext({ viewport: { width: 1280, height: 900 } }).then((x) => x.newPage());
    await s.goto(base);
    await s.getByLabel('Thư điện tử').fill(root.email);
    await s.getByLabel('Mật khẩu').fill(PASSWORD);
    await s.getByRole('button', { name: 'Đăng nhập' }).click();
    await s.getByTestId('no-unit').waitFor();
    await visit(s, 'system', '/');
    await visit(s, 'system', '/calendar');

    expect(problems).toEqual([]);
  });
});
