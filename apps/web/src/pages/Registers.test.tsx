import { describe, expect, it } from '@jest/globals';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { RegisterItem } from '@cascade/contracts';
import { Registers } from './Registers';
import { fakeServer, type Request } from '../testing/answers';
import { renderInApp, rowsOf, TEST_UNIT } from '../testing/render';

const user = userEvent.setup({ delay: null });

const OUT: RegisterItem[] = [
  {
    id: 'd-1',
    symbol: '12/KH-LĐLĐ',
    type: 'KH',
    status: 'dispatched',
    subject: 'Kế hoạch tổ chức Tháng Công nhân',
    signedAt: '2026-04-01T17:30:00.000Z',
    createdAt: '2026-03-30T02:00:00.000Z',
    routing: { total: 3, delivered: 3, accepted: 1, returned: 0 },
    deadline: '2026-05-08T10:00:00.000Z',
  },
  {
    id: 'd-2',
    symbol: null,
    type: 'CV',
    status: 'draft',
    subject: 'V/v báo cáo sơ kết',
    signedAt: null,
    createdAt: '2026-04-02T03:00:00.000Z',
  },
];
const IN: RegisterItem[] = [
  {
    id: 'd-3',
    symbol: '7/CV-LĐLĐ',
    type: 'CV',
    status: 'dispatched',
    subject: 'V/v tổng hợp số liệu đoàn viên',
    issuerName: 'Liên đoàn Lao động tỉnh',
    nodeStatus: 'accepted',
    deliveredAt: '2026-05-04T01:00:00.000Z',
    receivedNumber: null,
    deadline: '2026-05-15T09:30:00.000Z',
  },
  {
    id: 'd-4',
    symbol: '45/UBND-VX',
    type: 'CV',
    status: 'received',
    subject: 'V/v phối hợp tuyên truyền',
    issuerName: 'UBND huyện Châu Thành',
    nodeStatus: 'received',
    deliveredAt: '2026-05-03T08:00:00.000Z',
    receivedNumber: 118,
    deadline: null,
  },
];

/** The registers as the API answers them: `q` folded and matched against the subject, filtered by status and type. */
function server() {
  const answer = (rows: RegisterItem[]) => (req: Request) => {
    const q = req.query.get('q') ?? '';
    const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();
    return {
      items: rows.filter(
        (r) =>
          fold(r.subject).includes(fold(q)) &&
          (!req.query.get('status') || r.status === req.query.get('status')) &&
          (!req.query.get('type') || r.type === req.query.get('type')),
      ),
      nextCursor: null,
    };
  };
  return fakeServer({ 'GET /registers/outgoing': answer(OUT), 'GET /registers/incoming': answer(IN) });
}

const rows = () => rowsOf('register');

describe('the registers page', () => {
  it('lists what the unit issued: day dd/mm/yyyy in Việt Nam, number, subject linked, status in words, deadline', async () => {
    const calls = server();
    renderInApp(<Registers />);
    await screen.findByText('Kế hoạch tổ chức Tháng Công nhân');
    expect(rows()).toEqual([
      ['02/04/2026', '12/KH-LĐLĐ', 'Kế hoạch tổ chức Tháng Công nhân', 'Đã ban hành', '08/05/2026 17:00'],
      ['02/04/2026', 'Công văn', 'V/v báo cáo sơ kết', 'Dự thảo', '—'],
    ]);
    expect(screen.getByText('V/v báo cáo sơ kết').closest('a')!.getAttribute('href')).toBe('#/d/d-2');
    expect(calls[0].path).toBe(`/registers/outgoing?unitId=${TEST_UNIT.unitId}&q=`);
  });

  it('lists what the unit received: day, received number, issuer, its own status; a row opens the received view', async () => {
    server();
    renderInApp(<Registers />);
    await user.click(screen.getByRole('tab', { name: 'Văn bản đến' }));
    await screen.findByText('V/v phối hợp tuyên truyền');
    expect(
      within(screen.getByTestId('register'))
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Ngày đến', 'Số đến', 'Số', 'Trích yếu', 'Cơ quan ban hành', 'Trạng thái', 'Hạn báo cáo']);
    expect(rows()).toEqual([
      [
        '04/05/2026',
        '—',
        '7/CV-LĐLĐ',
        'V/v tổng hợp số liệu đoàn viên',
        'Liên đoàn Lao động tỉnh',
        'Đã nhận',
        '15/05/2026 16:30',
      ],
      [
        '03/05/2026',
        '118',
        '45/UBND-VX',
        'V/v phối hợp tuyên truyền',
        'UBND huyện Châu Thành',
        'Đã vào sổ đến',
        '—',
      ],
    ]);
    expect(screen.getByText('V/v tổng hợp số liệu đoàn viên').closest('a')!.getAttribute('href')).toBe(
      '#/received/d-3',
    );
  });

  it('searches without accents, and filters by status and type in words', async () => {
    const calls = server();
    renderInApp(<Registers />);
    await screen.findByText('V/v báo cáo sơ kết');
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'bao cao' } });
    await waitFor(() => expect(rows().map((r) => r[2])).toEqual(['V/v báo cáo sơ kết']));
    expect(calls.at(-1)!.path).toContain('&q=bao%20cao');
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Trạng thái', { selector: 'select' }), {
      target: { value: 'dispatched' },
    });
    await waitFor(() => expect(rows().map((r) => r[1])).toEqual(['12/KH-LĐLĐ']));
    expect(calls.at(-1)!.path).toContain('&status=dispatched');
    fireEvent.change(screen.getByLabelText('Loại văn bản', { selector: 'select' }), {
      target: { value: 'CV' },
    });
    await screen.findByText('Không có gì cần làm.');
    expect(calls.at(-1)!.path).toContain('&status=dispatched&type=CV');
  });
});
