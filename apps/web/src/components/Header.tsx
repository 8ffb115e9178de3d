import { useApp } from '../context';

/** The brand, the main navigation, the unit acted for, the language and signing out. */
export function Header({ signedIn, onSignOut }: { signedIn: boolean; onSignOut: () => void }) {
  const { t, lang, setLang, me, unit, setUnit } = useApp();
  return (
    <header>
      <a href="#/" className="brand">
        {t('appName')}
      </a>
      {signedIn && (
        <nav aria-label="main">
          <a href="#/">{t('home')}</a>
          <a href="#/registers">{t('registers')}</a>
          <a href="#/reports-received">{t('reportsReceived')}</a>
          {unit && ['clerk', 'specialist'].includes(unit.role) && <a href="#/compose">{t('compose')}</a>}
          {unit?.role === 'admin' && <a href="#/organisation">{t('organisation')}</a>}
          <a href="#/calendar">{t('calendar')}</a>
        </nav>
      )}
      {me && (
        <label className="unit">
          {t('unit')}
          <select
            value={unit?.id ?? ''}
            onChange={(e) => setUnit(me.memberships.find((m) => m.id === e.target.value) ?? null)}
          >
            {me.memberships.map((m) => (
              <option key={m.id} value={m.id}>
                {m.unitName} ({m.role})
              </option>
            ))}
          </select>
        </label>
      )}
      <button className="link" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
        {t('language')}
      </button>
      {signedIn && (
        <button className="link" onClick={onSignOut}>
          {t('signOut')}
        </button>
      )}
    </header>
  );
}
