/**
 * The receiving side in a real browser against the real stack: the issuer's clerk attaches a file to a draft; the
 * district that receives the signed directive downloads it with its session and forwards the directive to one of its
 * own units, picked in its tree and confirmed; that unit (and not its sibling) finds it and its file. And "Nhắc ngay":
 * the issuer's clerk reminds an overdue unit from the overdue list, which finds the reminder in its inbox. Each page
 * is checked by axe-core and for raw codes; screenshots go to test-artifacts/web/; the console stays free of errors.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { addMember, importUnitsUnderA } from './support/org';
import { desk, issue } from './support/desk';
import { waitFor } from './support/wait-for';
import {
  artifactShots,
  browserStackForSpec,
  pageProblems as check,
  requests,
  signedIn,
} from './support/browser';

jest.setTimeout(300_000);

const stack = browserStackForSpec();
const shot = artifactShots();
const { post, get } = requests(stack);

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
const FILE = 'Phụ lục kế hoạch.pdf';

/** Saves what a click downloads; answers its suggested name and bytes. */
async function downloaded(page: Page, click: () => Promise<void>) {
  const event = page.waitForEvent('download');
  await click();
  const file = await event;
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

describe('the receiving side', () => {
  it('attaches a file to a draft; the receiver downloads it and forwards to one of its units', async () => {
    const s = stack.s;
    const problems: string[] = [];
    const id = await importUnitsUnderA(s.api, s.org, [
      ['P', 'federation', null],
      ['D', 'federation', 'P'],
      ['G1', 'grassroots_union', 'D'],
      ['G2', 'grassroots_union', 'D'],
    ]);
    const p = await desk(s.api, s.org, id.P);
    const drafted = await post('/directives', p.clerk.token, {
      type: 'KH',
      subject: 'Kế hoạch tổ chức Tháng Công nhân',
      tasks: ['Tổ chức các hoạt động Tháng Công nhân.'],
      issuerId: id.P,
      addressees: { mode: 'children' },
    }).expect(201);
    const directive = drafted.body.id as string;

    // the issuer's clerk attaches the appendix to the draft (antd Upload, multipart through the API client)
    const c = await signedIn(s, p.clerk.email);
    await c.goto(`${s.base}/#/d/${directive}`);
    const files = c.getByTestId('attachments');
    await files.getByText('Không có tài liệu gửi kèm.').waitFor();
    await files.locator('input[type=file]').setInputFiles({
      name: FILE,
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await files.getByRole('button', { name: `Tải về ${FILE}` }).waitFor();
    problems.push(...(await check(c, 'clerk draft')));
    await shot(c, '20-draft-attachment');
    // downloaded with the session: the very bytes, under its name
    const mine = await downloaded(c, () => files.getByRole('button', { name: `Tải về ${FILE}` }).click());
    expect([mine.name, mine.bytes.equals(PDF)]).toEqual([FILE, true]);

    await post(`/directives/${directive}/submit`, p.clerk.token, { version: 1 }).expect(200);
    await post(`/directives/${directive}/review`, p.leader.token, { version: 1, decision: 'approve' }).expect(
      200,
    );
    await post(`/directives/${directive}/sign`, p.leader.token, { version: 1 }).expect(200);
    // signed: the file is part of the record and no longer added to
    await c.getByTestId('status').filter({ hasText: 'Đã ban hành' }).waitFor({ timeout: 60_000 });
    expect(await files.locator('input[type=file]').count()).toBe(0);

    // the district receives it: its file downloaded with the district's session (a plain link would be refused)
    const dClerk = await addMember(s.api, s.org, id.D, 'clerk');
    const d = await signedIn(s, dClerk.email);
    await d.goto(`${s.base}/#/received/${directive}`);
    await d.getByTestId('node-status').waitFor();
    const received = d.getByTestId('attachments');
    const theirs = await downloaded(d, () =>
      received.getByRole('button', { name: `Tải về ${FILE}` }).click(),
    );
    expect([theirs.name, theirs.bytes.equals(PDF)]).toEqual([FILE, true]);
    // forwarding comes once the directive is accepted
    expect(await d.getByTestId('forward').count()).toBe(0);
    await d.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await d.getByTestId('node-status').filter({ hasText: 'Đã nhận' }).waitFor();

    // it picks one of its units in its tree, confirms with their names, forwards
    const forward = d.getByTestId('forward');
    const tree = forward.getByRole('tree', { name: 'Đơn vị nhận chuyển tiếp' });
    await tree.getByText('Đơn vị G2 (Công đoàn cơ sở)').waitFor();
    await tree.getByText('Đơn vị G1 (Công đoàn cơ sở)').click();
    problems.push(...(await check(d, 'district forward')));
    await forward.getByRole('button', { name: 'Chuyển tiếp', exact: true }).click();
    const confirm = d.getByRole('dialog', { name: 'Xác nhận chuyển tiếp' });
    expect(await confirm.getByTestId('forward-to').locator('li').allTextContents()).toEqual(['Đơn vị G1']);
    await d.locator('[class*="ant-zoom-"]').waitFor({ state: 'detached' });
    await shot(d, '21-forward-confirm');
    await confirm.getByRole('button', { name: 'Chuyển tiếp ngay' }).click();
    await d.getByText('Đã chuyển tiếp tới 1 đơn vị.').waitFor();
    // the district now aggregates its unit's reports instead of reporting: no form, no second forwarding
    await forward.waitFor({ state: 'detached' });
    await shot(d, '22-forwarded');

    // G1 finds the forwarded directive (and its file); G2, not picked, was never sent it
    const g1 = await addMember(s.api, s.org, id.G1, 'clerk');
    const u = await signedIn(s, g1.email);
    await u
      .getByRole('link', { name: /Tháng Công nhân/ })
      .first()
      .click({ timeout: 60_000 });
    await u.getByTestId('node-status').filter({ hasText: 'Đã đến' }).waitFor();
    await u
      .getByTestId('attachments')
      .getByRole('button', { name: `Tải về ${FILE}` })
      .waitFor();
    await u.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await u.getByTestId('node-status').filter({ hasText: 'Đã nhận' }).waitFor();
    problems.push(...(await check(u, 'grassroots received')));
    await shot(u, '23-forwarded-received');
    const g2 = await addMember(s.api, s.org, id.G2, 'clerk');
    expect((await get(`/directives/${directive}/received?unitId=${id.G2}`, g2.token)).status).toBe(404);
    expect(problems).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('reminds an overdue unit now; the unit finds the reminder in its inbox', async () => {
    const s = stack.s;
    const problems: string[] = [];
    const id = await importUnitsUnderA(s.api, s.org, [
      ['P', 'federation', null],
      ['G1', 'grassroots_union', 'P'],
      ['G2', 'grassroots_union', 'P'],
    ]);
    const p = await desk(s.api, s.org, id.P);
    const directive = await issue(s.api, p, {
      type: 'KH',
      subject: 'Kế hoạch báo cáo nhanh số liệu đoàn viên',
      tasks: ['Báo cáo số đoàn viên.'],
      issuerId: id.P,
      addressees: { mode: 'children' },
      reporting: {
        // due seconds after dispatch, and no reminder of the ladder's own before then
        schedule: { kind: 'interval', everySeconds: 3, count: 1 },
        form: {
          fields: [
            {
              key: 'members',
              label: 'Số đoàn viên',
              type: 'integer',
              required: true,
              min: 0,
              aggregate: 'sum',
            },
          ],
        },
        escalation: { parentAfter: 'P30D' },
      },
    });
    await waitFor(
      'G1 and G2 overdue',
      async () => {
        const rows = (await get(`/overdue?unitId=${id.P}`, p.clerk.token)).body.items as {
          directiveId: string;
        }[];
        return rows.filter((r) => r.directiveId === directive).length === 2;
      },
      { timeoutMs: 60_000 },
    );

    const c = await signedIn(s, p.clerk.email);
    await c.goto(`${s.base}/#/d/${directive}`);
    const overdue = c.getByTestId('overdue');
    await overdue.getByRole('link', { name: 'Đơn vị G2' }).waitFor();
    await overdue.getByRole('button', { name: 'Nhắc ngay Đơn vị G1' }).click();
    await overdue.getByRole('status').filter({ hasText: 'Đã nhắc.' }).waitFor();
    // only G1 was reminded: G2's button is still there
    await overdue.getByRole('button', { name: 'Nhắc ngay Đơn vị G2' }).waitFor();
    problems.push(...(await check(c, 'issuer overdue')));
    await shot(c, '24-remind-now');

    const g1 = await addMember(s.api, s.org, id.G1, 'clerk');
    const u = await signedIn(s, g1.email);
    await u.goto(`${s.base}/#/inbox?kind=escalated`);
    const row = u.getByTestId('inbox').locator('tr').filter({ hasText: 'Kế hoạch báo cáo nhanh' });
    await row.getByText('Đã nhắc').waitFor();
    problems.push(...(await check(u, 'unit inbox')));
    await shot(u, '25-reminder-in-inbox');
    const g2 = await addMember(s.api, s.org, id.G2, 'clerk');
    // G2 is told it is overdue (the ladder), never reminded: that was G1's alone
    const told = (await get('/inbox?kind=escalated', g2.token)).body.items as {
      directiveId: string;
      level: string;
    }[];
    expect(told.filter((i) => i.directiveId === directive).map((i) => i.level)).toEqual(['overdue']);
    expect(problems).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
