import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Me, Membership } from '@cascade/contracts';
import { api, session } from './api';
import { Header } from './components/Header';
import { AppContext, type Ctx } from './context';
import { useHash } from './hooks';
import { dictionaries, type Key, type Lang } from './i18n';
import { AuditPage } from './pages/AuditPage';
import { CalendarPage } from './pages/CalendarPage';
import { Compose } from './pages/Compose';
import { DirectivePage } from './pages/DirectivePage';
import { Home } from './pages/Home';
import { Organisation } from './pages/Organisation';
import { ReceivedPage } from './pages/ReceivedPage';
import { ReceivedReports, ReportsReceived } from './pages/ReportsReceived';
import { Registers } from './pages/Registers';
import { SignIn } from './pages/SignIn';

/** The shell: the session, the language, the unit acted for, and the page the hash names. */
export function App() {
  const [lang, setLang] = useState<Lang>((localStorage.getItem('cascade.lang') as Lang) || 'vi');
  const [me, setMe] = useState<Me | null>(null);
  const [unit, setUnit] = useState<Membership | null>(null);
  const [signedIn, setSignedIn] = useState(!!session.token);
  const hash = useHash();
  const t = useCallback((k: Key) => dictionaries[lang][k], [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('cascade.lang', lang);
  }, [lang]);
  useEffect(() => {
    if (!signedIn) return;
    api<Me>('GET', '/auth/me').then(
      (m) => {
        setMe(m);
        setUnit(m.memberships[0] ?? null);
      },
      () => setSignedIn(false),
    );
  }, [signedIn]);
  const ctx: Ctx = { t, lang, setLang, me, unit, setUnit };
  let page: ReactNode;
  const [path, query = ''] = hash.split('?');
  const [, route, id] = path.split('/');
  if (!signedIn) page = <SignIn onDone={() => setSignedIn(true)} />;
  else if (route === 'registers') page = <Registers />;
  else if (route === 'compose') page = <Compose />;
  else if (route === 'd' && id) page = <DirectivePage id={id} />;
  else if (route === 'received' && id) page = <ReceivedPage id={id} />;
  else if (route === 'reports-received' && id) page = <ReceivedReports key={hash} id={id} query={query} />;
  else if (route === 'reports-received') page = <ReportsReceived />;
  else if (route === 'audit' && id) page = <AuditPage id={id} />;
  else if (route === 'organisation') page = <Organisation />;
  else if (route === 'calendar') page = <CalendarPage t={t} admin={!!me?.systemAdmin} />;
  else page = <Home />;
  return (
    <AppContext.Provider value={ctx}>
      <Header
        signedIn={signedIn}
        onSignOut={() => {
          void api('POST', '/auth/logout').catch(() => undefined);
          session.token = null;
          setSignedIn(false);
          setMe(null);
        }}
      />
      <main>{page}</main>
    </AppContext.Provider>
  );
}
