/**
 * What every browser spec needs: the real stack (API serving dist/web, worker) listening on a free port, an
 * organisation, Debian's chromium driven by playwright-core, a signed-in page per person whose console errors, page
 * errors and failed favicon are collected, screenshots, and the axe-core check.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startApi, startWorker } from './apps';
import { auth, buildOrg, PASSWORD, type Org } from './org';
import { newKey } from './ids';
import { waitFor } from './wait-for';
import { ERROR } from '../../../apps/web/src/words/errors';
import { VOCABULARY, type Words } from '../../../apps/web/src/words/vocabulary';

export const ROOT = join(__dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserStack {
  api: INestApplication;
  worker: INestApplicationContext;
  org: Org;
  browser: Browser;
  /** http://127.0.0.1:port: the API, which serves the web app. */
  base: string;
  /** What went wrong in any page: console errors, page errors, a failed favicon (a spec expects it empty). */
  errors: string[];
}

/** Starts the stack and the browser; `env` is passed to the API (limits a spec lowers). */
export async function startBrowserStack(env: Record<string, string> = {}): Promise<BrowserStack> {
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html')))
    throw new Error('dist/web has no web app: run `npm run build` first (npm test does)');
  if (!existsSync(CHROMIUM))
    throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium (infra/test.sh installs it)`);
  const [api, worker] = await Promise.all([startApi(env), startWorker()]);
  await api.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${((api.getHttpServer() as Server).address() as AddressInfo).port}`;
  const org = await buildOrg(api);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return { api, worker, org, browser, base, errors: [] };
}

export async function stopBrowserStack(stack: BrowserStack | undefined): Promise<void> {
  await stack?.browser.close();
  await stack?.worker.close();
  await stack?.api.close();
}

/** A fresh browser context whose errors go to `stack.errors`, at the app's sign-in page. */
export async function openApp(stack: BrowserStack, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await stack.browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (m) => {
    // a 4xx answered on purpose is the network's message, not the app's
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      stack.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => stack.errors.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (/favicon/.test(r.url()) && r.status() >= 400) stack.errors.push(`favicon: ${r.status()} ${r.url()}`);
  });
  await page.goto(stack.base);
  return page;
}

/**
 * Signed in as `email` through the sign-in form; ready once the main navigation shows (`ready` for a page that
 * shows something else first: a system administrator with no unit).
 */
export async function signedIn(
  stack: BrowserStack,
  email: string,
  ready: (page: Page) => Promise<unknown> = (p) => p.getByRole('link', { name: 'Sổ văn bản' }).waitFor(),
): Promise<Page> {
  const page = await openApp(stack);
  await page.getByLabel('Thư điện tử').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await ready(page);
  return page;
}

/** Saves full-page screenshots into `dir` (made if missing). */
export function screenshots(dir: string): (page: Page, name: string) => Promise<Buffer> {
  mkdirSync(dir, { recursive: true });
  return (page, name) => page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** axe-core's serious and critical violations (WCAG 2 A and AA) on the page as it is, each named with `where`. */
export async function axeProblems(page: Page, where: string): Promise<string[]> {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: axe ${v.id} (${v.impact}) at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

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

/**
 * What a Vietnamese page must not show: a raw code of the vocabulary or of the API's errors, or one of the
 * vocabulary's English words (each hit named with `where` and the text around it).
 */
export async function rawWords(page: Page, where: string): Promise<string[]> {
  const text = (await page.locator('body').innerText()).replace(FIXTURE_NAMES, '');
  const found: string[] = [];
  for (const f of FORBIDDEN) {
    const hit = f.pattern.exec(text);
    if (hit)
      found.push(
        `${where}: ${f.what} shown ("…${text.slice(Math.max(0, hit.index - 30), hit.index + 30)}…")`,
      );
  }
  return found;
}

/**
 * The stack for a spec file: started before its tests (with `env` for the API), stopped after them. Read `.s` inside
 * a test (it is set once started).
 */
export function browserStackForSpec(env: Record<string, string> = {}): { readonly s: BrowserStack } {
  const held = {} as { s: BrowserStack };
  beforeAll(async () => {
    held.s = await startBrowserStack(env);
  });
  afterAll(() => stopBrowserStack(held.s));
  return held;
}

/** The API of the stack through supertest: `post` with a fresh Idempotency-Key, `get`, both as `token`. */
export function requests(stack: { readonly s: BrowserStack }) {
  const http = () => request(stack.s.api.getHttpServer());
  return {
    http,
    post: (path: string, token: string, body: object) =>
      http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body),
    get: (path: string, token: string) => http().get(path).set(auth(token)),
  };
}

/** Screenshots kept as the browser specs' artifacts (test-artifacts/web/, git-ignored). */
export const artifactShots = () => screenshots(join(ROOT, 'test-artifacts', 'web'));

/** The page's raw words and accessibility problems, each named with `where`. */
export const pageProblems = async (page: Page, where: string): Promise<string[]> => [
  ...(await rawWords(page, where)),
  ...(await axeProblems(page, where)),
];

/** Opens the antd Select labelled `label` in `scope` (once no other list is open); answers its list. */
export async function openSelect(page: Page, scope: Locator, label: string): Promise<Locator> {
  // a list that has closed stays in the page, hidden once its motion ends: only one list is open at a time
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'detached' });
  await scope.getByLabel(label, { exact: true }).click();
  const list = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').last();
  await list.locator('.ant-select-item-option').first().waitFor();
  return list;
}

/** The words (titles) of an opened Select's options. */
export const optionWords = (list: Locator): Promise<string[]> =>
  list
    .locator('.ant-select-item-option')
    .evaluateAll((os) => os.map((o) => (o as unknown as { title: string }).title));

/**
 * Picks `option` (its words exactly, else the first option that contains them) in the antd Select labelled `label`
 * in `scope`, and waits for its list to close.
 */
export async function pick(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  const list = await openSelect(page, scope, label);
  const exact = list.getByTitle(option, { exact: true });
  await ((await exact.count()) ? exact : list.locator('.ant-select-item-option').filter({ hasText: option }))
    .first()
    .click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'detached' });
}

/** Types a day (dd/mm/yyyy) into the antd DatePicker labelled `label` in `scope`. */
export async function typeDay(scope: Locator, label: string, dmy: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(dmy);
  await input.press('Enter');
}

/**
 * Follows the header's menu item `name`: in the row when it fits, else from "…" where the menu folded it (a laptop
 * too narrow for every item), else from the phone's drawer.
 */
export async function navTo(page: Page, name: string): Promise<void> {
  const header = page.locator('header');
  const inRow = header.locator('nav').getByRole('link', { name, exact: true });
  const folded = header.locator('.ant-menu-overflow-item-rest:not([aria-hidden="true"])');
  const drawer = header.getByRole('button', { name: /Danh mục|Menu/ });
  const shown = (where: Locator) => where.getByRole('link', { name, exact: true }).click({ timeout: 2_000 });
  // the menu measures again whenever the header changes (the unit picker's list arrives): an item in the row a moment
  // ago may be folded now, so each way is tried in turn until one answers
  await waitFor(`the header's ${name}`, async () => {
    if (await inRow.isVisible()) await inRow.click({ timeout: 2_000 });
    else if (await folded.isVisible()) {
      await folded.click({ timeout: 2_000 });
      await shown(page.locator('.ant-menu-submenu-popup:not(.ant-menu-submenu-hidden)'));
    } else if (await drawer.isVisible()) {
      await drawer.click({ timeout: 2_000 });
      await shown(page.getByRole('dialog'));
    } else return false;
    return true;
  });
}

/**
 * How the header lies: its height, whether its content is wider than it, and how many rows its visible parts (brand,
 * menu, drawer button, tools and each tool) make.
 */
export async function headerLayout(
  page: Page,
): Promise<{ height: number; overflows: boolean; rows: number }> {
  return page.locator('header').evaluate((h) => {
    const parts = [...h.children, ...(h.querySelector('.tools')?.children ?? [])]
      .map((e) => e.getBoundingClientRect())
      .filter((box) => box.width > 0 && box.height > 0);
    // a row: parts whose middles lie within 20 px of each other (a 32 px picker beside a 56 px menu is one row)
    const middles = parts.map((box) => box.top + box.height / 2).sort((a, b) => a - b);
    const rows = middles.filter((m, i) => i === 0 || m - middles[i - 1] > 20).length;
    return { height: h.getBoundingClientRect().height, overflows: h.scrollWidth > h.clientWidth, rows };
  });
}
