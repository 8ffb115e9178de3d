import type { ReactNode } from 'react';
import { render, screen, within } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { ConfigProvider } from 'antd';
import { StyleProvider, createCache } from '@ant-design/cssinjs';
import viVN from 'antd/locale/vi_VN';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import type { Me, Membership } from '@cascade/contracts';
import { queryClient } from '../api';
import { AppContext, type Ctx } from '../context';
import { dictionaries } from '../i18n';
import { say } from '../words/vocabulary';

/** The unit a component test acts for. */
export const TEST_UNIT = {
  id: 'membership-1',
  unitId: '00000000-0000-4000-8000-000000000001',
  unitName: 'Liên đoàn Lao động huyện',
  role: 'clerk',
} as unknown as Membership;

/**
 * A component as the shell shows it (App.tsx): antd in vi_VN, dayjs in Vietnamese, the Vietnamese words, a router and
 * the app's cache, emptied (nothing carried from one test to the next). antd's styles are computed but not written into
 * jsdom's document (`mock="server"`) and nothing moves: several times faster, and nothing a test reads is a style.
 */
export function renderInApp(
  ui: ReactNode,
  { unit = TEST_UNIT, me = null }: { unit?: Membership | null; me?: Me | null } = {},
) {
  dayjs.locale('vi');
  const ctx: Ctx = {
    t: (k) => dictionaries.vi[k],
    lang: 'vi',
    setLang: () => undefined,
    me,
    unit,
    setUnit: () => undefined,
    say: (table, code) => say(table, code, 'vi'),
    num: (n) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(n),
  };
  // the app's own cache (a change made through api() marks it stale, as in the app), emptied for each test
  queryClient.clear();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: 2_000 } });
  const client = queryClient;
  return render(
    <StyleProvider cache={createCache()} mock="server">
      <ConfigProvider locale={viVN} theme={{ hashed: false, token: { motion: false } }}>
        <QueryClientProvider client={client}>
          <MemoryRouter>
            <AppContext.Provider value={ctx}>{ui}</AppContext.Provider>
          </MemoryRouter>
        </QueryClientProvider>
      </ConfigProvider>
    </StyleProvider>,
  );
}

/**
 * The button that says `name` (in `inside`, else the page). ByRole computes every element's role and name, seconds
 * per query on an antd form in jsdom: the button is found by its text instead.
 */
export function button(name: string | RegExp, inside: HTMLElement = document.body): HTMLButtonElement {
  const found = within(inside)
    .getAllByText(name, { selector: 'button, button *' })
    .map((e) => e.closest('button'))
    .find((b): b is HTMLButtonElement => !!b);
  if (!found) throw new Error(`no button ${String(name)}`);
  return found;
}

/** Picks `option` in the antd Select labelled `label` (in `inside`): opens it, clicks the option. */
export async function choose(
  user: { click: (e: Element) => Promise<void> },
  label: string,
  option: string,
  inside: HTMLElement = document.body,
) {
  await user.click(within(inside).getByLabelText(label));
  const listed = await screen.findAllByTitle(option);
  await user.click(listed[listed.length - 1]);
}

/**
 * The error words a Form.Item shows ('' when it shows none). An error that has gone stays in jsdom's document, its
 * leaving motion never ending: the item's error state says whether it is shown.
 */
export const explained = (item: Element): string =>
  item.classList.contains('ant-form-item-has-error')
    ? (item.querySelector('.ant-form-item-explain')?.textContent ?? '')
    : '';

/** A table's rows below its header (the table by its test id), each as its cells' words. */
export const rowsOf = (testId: string) =>
  within(screen.getByTestId(testId))
    .getAllByRole('row')
    .slice(1)
    .map((r) =>
      within(r)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    );
