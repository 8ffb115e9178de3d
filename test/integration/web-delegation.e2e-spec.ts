/**
 * Signing delegations (ủy quyền: KT., Q., TL., TUQ.) in a real browser against the real stack: the unit's administrator
 * records a KT. (a refusal of the API said beside the field it names), the deputy signs a directive under it from the
 * signing confirmation, the directive's page says who signed under which relation and on what basis, and the
 * administrator revokes it. Each page is checked by axe-core and for raw codes; screenshots go to test-artifacts/web/.
 */
import { addMember, auth, importUnitsUnderA } from './support/org';
import {
  artifactShots,
  browserStackForSpec,
  navTo,
  optionWords,
  openSelect,
  pageProblems as check,
  pick,
  requests,
  signedIn,
  typeDay as day,
} from './support/browser';

jest.setTimeout(300_000);

const stack = browserStackForSpec();
const shot = artifactShots();
const { http, post } = requests(stack);

const today = () => {
  const vn = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  return vn.split('-').reverse().join('/');
};

describe('signing delegations', () => {
  it('are recorded, signed under, shown on the directive and revoked', async () => {
    const s = stack.s;
    const problems: string[] = [];
    const id = await importUnitsUnderA(s.api, s.org, [
      ['P', 'federation', null],
      ['G', 'grassroots_union', 'P'],
    ]);
    const head = await addMember(s.api, s.org, id.P, 'leader', { position: 'CHỦ TỊCH' });
    const deputy = await addMember(s.api, s.org, id.P, 'leader', { position: 'PHÓ CHỦ TỊCH' });
    const clerk = await addMember(s.api, s.org, id.P, 'clerk');
    const admin = await addMember(s.api, s.org, id.P, 'admin');
    await http()
      .put(`/units/${id.P}/review-chain`)
      .set(auth(s.org.admin))
      .send({ reviewerIds: [head.id] })
      .expect(200);
    const names = await Promise.all(
      [head, deputy].map(
        async (x) =>
          (await http().get(`/users/${x.id}`).set(auth(s.org.admin)).expect(200)).body.name as string,
      ),
    );

    // the administrator records a KT.: the head grants, the deputy signs
    const o = await signedIn(s, admin.email);
    await navTo(o, 'Ủy quyền ký');
    await o.getByText('Chưa có ủy quyền ký nào.').waitFor();
    const form = o.getByRole('form', { name: 'Ghi nhận ủy quyền ký' });
    await pick(o, form, 'Hình thức ký', 'Ký thay (KT.)');
    await pick(o, form, 'Người giao quyền', names[0]);
    // the same person on both sides: the API's refusal is said beside the field it names
    await pick(o, form, 'Người được giao ký', names[0]);
    await form.getByLabel('Số văn bản giao quyền').fill('12/QĐ-LĐLĐ');
    await day(form, 'Ngày văn bản giao quyền', '02/01/2026');
    await day(form, 'Hiệu lực từ ngày', today());
    await form.getByRole('button', { name: 'Ghi nhận ủy quyền' }).click();
    await form
      .locator('.ant-form-item')
      .filter({ hasText: 'Người được giao ký' })
      .locator('.ant-form-item-explain-error')
      .filter({ hasText: 'Không thể tự giao quyền cho chính mình.' })
      .waitFor();
    await pick(o, form, 'Người được giao ký', names[1]);
    await form.getByRole('button', { name: 'Ghi nhận ủy quyền' }).click();
    const row = o.getByTestId('delegations').locator('tbody tr').filter({ hasText: names[1] });
    await row.getByText('KT. CHỦ TỊCH / PHÓ CHỦ TỊCH').waitFor();
    expect(await row.getByTestId('standing').textContent()).toBe('Đang hiệu lực');
    await row.getByText('12/QĐ-LĐLĐ ngày 02/01/2026').waitFor();
    problems.push(...(await check(o, 'admin delegations')));
    await shot(o, '30-delegations');

    // an approved directive; the deputy signs it under the KT. from the confirmation
    const drafted = await post('/directives', clerk.token, {
      type: 'CV',
      subject: 'V/v triển khai Tháng Công nhân',
      tasks: ['Quán triệt, triển khai thực hiện.'],
      issuerId: id.P,
      addressees: { mode: 'children' },
    }).expect(201);
    const directive = drafted.body.id as string;
    await post(`/directives/${directive}/submit`, clerk.token, { version: 1 }).expect(200);
    await post(`/directives/${directive}/review`, head.token, { version: 1, decision: 'approve' }).expect(
      200,
    );
    const l = await signedIn(s, deputy.email);
    await l.goto(`${s.base}/#/d/${directive}`);
    await l.getByRole('button', { name: 'Ký ban hành' }).click();
    const confirm = l.getByRole('dialog', { name: 'Xác nhận ký ban hành' });
    // only what the deputy holds at P: the KT. (no authority of its own, no Q., TL. or TUQ.); a kind not held is refused
    expect(await optionWords(await openSelect(l, confirm, 'Thẩm quyền ký'))).toEqual([
      `Ký thay (KT.) · KT. CHỦ TỊCH / PHÓ CHỦ TỊCH · người giao quyền ${names[0]}`,
    ]);
    await l.keyboard.press('Escape');
    const notHeld = await post(`/directives/${directive}/sign`, deputy.token, {
      version: 1,
      authority: 'Q.',
    });
    expect([notHeld.status, notHeld.body.error?.code]).toEqual([403, 'DELEGATION_NOT_HELD']);
    await pick(l, confirm, 'Thẩm quyền ký', 'Ký thay (KT.)');
    await l.locator('[class*="ant-zoom-"]').waitFor({ state: 'detached' });
    await shot(l, '31-sign-under-delegation');
    await confirm.getByRole('button', { name: 'Ký và ban hành' }).click();
    await l.getByTestId('status').filter({ hasText: 'Đã ban hành' }).waitFor({ timeout: 60_000 });
    await l.getByText(`Chữ ký số: KT. CHỦ TỊCH PHÓ CHỦ TỊCH ${names[1]}`).waitFor();
    expect(await l.getByTestId('signed-under').textContent()).toBe(
      `Ký theo: Ký thay (KT.) · người giao quyền ${names[0]} · Căn cứ 12/QĐ-LĐLĐ ngày 02/01/2026`,
    );
    problems.push(...(await check(l, 'deputy signed')));
    await shot(l, '32-signed-under-delegation');

    // revoked: kept in the list as revoked, and the directive signed under it still names it
    await row.getByRole('button', { name: `Thu hồi Ký thay (KT.) ${names[1]}` }).click();
    const revoke = o.getByRole('dialog', { name: 'Thu hồi ủy quyền ký này?' });
    await revoke.getByLabel('Lý do thu hồi (không bắt buộc)').fill('Hết nhiệm kỳ.');
    await revoke.getByRole('button', { name: 'Thu hồi' }).click();
    await row.getByTestId('standing').filter({ hasText: 'Đã thu hồi' }).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await shot(o, '33-delegation-revoked');
    await l.reload();
    await l.getByTestId('signed-under').waitFor();
    expect(problems).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
