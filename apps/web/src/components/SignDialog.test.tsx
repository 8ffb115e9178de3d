import { describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DelegationRow, Directive, SigningOptions } from '@cascade/contracts';
import { SignDialog, type SignUnder } from './SignDialog';
import { fakeServer } from '../testing/answers';
import { button, renderInApp, TEST_UNIT } from '../testing/render';

const user = userEvent.setup({ delay: null });

const D: Directive = {
  id: '00000000-0000-4000-8000-0000000000d1',
  issuerId: TEST_UNIT.unitId,
  type: 'CV',
  status: 'approved',
  version: 1,
  symbol: null,
  content: { subject: 'V/v triển khai Tháng Công nhân', tasks: ['a'], addressees: { mode: 'children' } },
  signer: null,
  sha256: null,
  signature: null,
};

const relation = (id: string, kind: string, position: string): DelegationRow => ({
  id,
  unitId: TEST_UNIT.unitId,
  kind,
  grantor: { userId: 'u-head', name: 'Nguyễn Văn Chủ' },
  grantee: { userId: 'u-me', name: 'Trần Thị Phó' },
  authority: `${kind} CHỦ TỊCH`,
  position,
  basis: { number: '12/QĐ-LĐLĐ', date: '2026-01-02' },
  docTypes: null,
  validFrom: '2026-01-02T00:00:00.000Z',
  validUntil: null,
  createdAt: '2026-01-02T00:00:00.000Z',
  revokedAt: null,
  revokeReason: null,
});

function dialog(options: SigningOptions) {
  const calls = fakeServer({
    'GET /directives/:id/signing-options': options,
    'GET /units/:id/tree': { items: [], nextCursor: null },
  });
  const signed: SignUnder[] = [];
  renderInApp(
    <SignDialog
      d={D}
      open
      busy={false}
      error={null}
      onCancel={() => undefined}
      onSign={(u) => signed.push(u)}
    />,
  );
  return { calls, signed };
}

/** Opens "Thẩm quyền ký" (once the signer's options are read). */
const offered = async () => user.click(await screen.findByLabelText('Thẩm quyền ký'));

/** The options listed, by their titles (antd's listbox holds only the active one, for screen readers). */
const titles = () =>
  [...document.querySelectorAll('.ant-select-item-option')].map((o) => o.getAttribute('title') ?? '');

describe('the signing confirmation', () => {
  it('offers only the relations the signer holds at the issuer, and signs under the one picked by its id', async () => {
    const { calls, signed } = dialog({ own: null, relations: [relation('r-kt', 'KT.', 'PHÓ CHỦ TỊCH')] });
    await offered();
    await waitFor(() =>
      expect(titles()).toEqual([
        'Ký thay (KT.) · KT. CHỦ TỊCH / PHÓ CHỦ TỊCH · người giao quyền Nguyễn Văn Chủ',
      ]),
    );
    // no kind the signer does not hold, and no "own right" for one whose membership bears no authority
    for (const never of ['Quyền (Q.)', 'Thừa lệnh (TL.)', 'Thừa ủy quyền (TUQ.)', 'Theo thẩm quyền'])
      expect(titles().join('\n')).not.toContain(never);
    expect(calls.some((c) => c.path === `/directives/${D.id}/signing-options`)).toBe(true);
    await user.click(button('Ký và ban hành'));
    expect(signed).toEqual([{ delegationId: 'r-kt' }]);
  });

  it("offers one's own authority first, then each relation held (two of one kind told apart)", async () => {
    const { signed } = dialog({
      own: { authority: 'TM. BAN THƯỜNG VỤ', position: 'CHỦ TỊCH' },
      relations: [relation('r-1', 'TUQ.', 'CHÁNH VĂN PHÒNG'), relation('r-2', 'TUQ.', 'PHÓ CHÁNH VĂN PHÒNG')],
    });
    await offered();
    await waitFor(() =>
      expect(titles()).toEqual([
        'Theo thẩm quyền của chính mình (TM. BAN THƯỜNG VỤ / CHỦ TỊCH)',
        'Thừa ủy quyền (TUQ.) · TUQ. CHỦ TỊCH / CHÁNH VĂN PHÒNG · người giao quyền Nguyễn Văn Chủ',
        'Thừa ủy quyền (TUQ.) · TUQ. CHỦ TỊCH / PHÓ CHÁNH VĂN PHÒNG · người giao quyền Nguyễn Văn Chủ',
      ]),
    );
    await user.click(document.querySelectorAll('.ant-select-item-option')[2]);
    await user.click(button('Ký và ban hành'));
    await user.click(await screen.findByLabelText('Thẩm quyền ký'));
    await user.click(document.querySelectorAll('.ant-select-item-option')[0]);
    await user.click(button('Ký và ban hành'));
    expect(signed).toEqual([{ delegationId: 'r-2' }, {}]);
  });

  it('says so, and does not sign, when the signer holds nothing at the issuer', async () => {
    const { signed } = dialog({ own: null, relations: [] });
    await screen.findByText(/Bạn không có thẩm quyền ký của đơn vị/);
    expect(screen.queryByLabelText('Thẩm quyền ký')).toBeNull();
    expect(button('Ký và ban hành').disabled).toBe(true);
    expect(signed).toEqual([]);
  });
});
