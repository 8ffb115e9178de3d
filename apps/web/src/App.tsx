import { useCallback, useEffect, useMemo, useState } from 'react';
import { Outlet } from 'react-router';
import { App as AntApp, ConfigProvider, Layout, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import dayjs from 'dayjs';
import type { Me, Membership } from '@cascade/contracts';
import { api, queryClient, session } from './api';
import { Header } from './components/Header';
import { useLiveUpdates } from './live';
import { AppContext, type Ctx } from './context';
import { dictionaries, type Key, type Lang } from './i18n';
import { SignIn } from './pages/SignIn';
import { say as sayIn } from './words/vocabulary';

/** Vietnamese numbers (1.234,5) and English ones (1,234.5). */
const NUMBERS: Record<Lang, Intl.NumberFormat> = {
  vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }),
};

/**
 * The shell: Ant Design in the chosen language (vi_VN first, dates dd/mm/yyyy through dayjs 'vi'), the session, the
 * unit acted for (a system administrator with no unit picks a tree to act on), the header, and the routed page.
 */
export function App() {
  const [lang, setLang] = useState<Lang>((localStorage.getItem('cascade.lang') as Lang) || 'vi');
  const [me, setMe] = useState<Me | null>(null);
  const [unit, setUnit] = useState<Membership | null>(null);
  const [signedIn, setSignedIn] = useState(!!session.token);
  const t = useCallback((k: Key) => dictionaries[lang][k], [lang]);
  useLiveUpdates(signedIn && !!me);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('cascade.lang', lang);
    dayjs.locale(lang === 'vi' ? 'vi' : 'en');
    // what is cached was worded in the other language (errors): read it again
    void queryClient.invalidateQueries();
  }, [lang]);
  useEffect(() => {
    if (!signedIn) return;
    api<Me>('GET', '/auth/me').then(
      (m) => {
        setMe(m);
        const kept = sessionStorage.getItem('cascade.unit');
        setUnit(m.memberships.find((x) => x.id === kept) ?? m.memberships[0] ?? null);
      },
      () => setSignedIn(false),
    );
  }, [signedIn]);
  const ctx: Ctx = useMemo(
    () => ({
      t,
      lang,
      setLang,
      me,
      unit,
      setUnit: (m) => {
        if (m) sessionStorage.setItem('cascade.unit', m.id);
        setUnit(m);
      },
      say: (table, code) => sayIn(table, code, lang),
      num: (n) => NUMBERS[lang].format(n),
    }),
    [t, lang, me, unit],
  );
  return (
    <ConfigProvider
      locale={lang === 'vi' ? viVN : enUS}
      theme={{
        algorithm: theme.defaultAlgorithm,
        // AA contrast for the primary colour and its text on white (axe: color-contrast)
        token: {
          colorPrimary: '#0b57a4',
          colorLink: '#0b57a4',
          // antd lightens a link under the pointer (below 4.5:1 on a hovered row): darker instead
          colorLinkHover: '#083f78',
          colorLinkActive: '#083f78',
          borderRadius: 6,
          fontSize: 15,
          // antd's light greys (placeholders, empty lists, descriptions) are below 4.5:1 on white
          colorTextPlaceholder: '#595959',
          colorTextDisabled: '#595959',
          colorTextQuaternary: '#595959',
          colorTextTertiary: '#595959',
          colorTextDescription: '#595959',
          // and its red on white (danger buttons) is 4.0:1
          colorError: '#b3261e',
        },
      }}
    >
      <AntApp>
        <AppContext.Provider value={ctx}>
          <Layout style={{ minHeight: '100vh' }}>
            <Header
              signedIn={signedIn}
              onSignOut={() => {
                void api('POST', '/auth/logout').catch(() => undefined);
                session.token = null;
                queryClient.clear();
                setSignedIn(false);
                setMe(null);
                setUnit(null);
              }}
            />
            {/* antd's Content is the page's <main> */}
            <Layout.Content className="page">
              {signedIn ? <Outlet /> : <SignIn onDone={() => setSignedIn(true)} />}
            </Layout.Content>
          </Layout>
        </AppContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}
