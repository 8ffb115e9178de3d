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
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startApi, startWorker } from './apps';
import { buildOrg, PASSWORD, type Org } from './org';
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
