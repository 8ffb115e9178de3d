import { useState } from 'react';
import { Badge, Button, Drawer, Input, Layout, Menu, Select, Space } from 'antd';
import { Link, useLocation, useNavigate } from 'react-router';
import type { InboxUnread, Membership } from '@cascade/contracts';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { ROLE } from '../words/vocabulary';

/** A system administrator with no unit acts on a tree it picks: as that root's administrator. */
const SYSTEM = 'system:';

/**
 * The brand, the main navigation, the unit acted for, the search, the language and signing out, in one row: on a
 * laptop the menu takes the room the rest leaves and folds what does not fit into "…" (an administrator's seven
 * items at 1280 px); on a phone it is a drawer opened by one button.
 */
export function Header({ signedIn, onSignOut }: { signedIn: boolean; onSignOut: () => void }) {
  const { t, lang, setLang, me, unit, setUnit, say } = useApp();
  const { pathname } = useLocation();
  const [drawer, setDrawer] = useState(false);
  const navigate = useNavigate();
  const roots = useGet<{ items: { id: string; code: string; name: string; level: number }[] }>(
    me?.systemAdmin ? '/units?depth=1&limit=200' : null,
  );
  const trees: Membership[] = (roots.data?.items ?? [])
    .filter((u) => u.level === 1)
    .map((u) => ({
      id: `${SYSTEM}${u.id}`,
      role: 'admin',
      unitId: u.id,
      unitCode: u.code,
      unitName: u.name,
    }));
  const choices = [
    ...(me?.memberships ?? []),
    ...trees.filter((x) => !me?.memberships.some((m) => m.unitId === x.unitId)),
  ];
  // a person's inbox (an administrator with no unit has none)
  const unread = useGet<InboxUnread>(signedIn && me?.memberships.length ? '/inbox/unread' : null);
  const unreadCount = unread.data ? unread.data.arrived + unread.data.due + unread.data.escalated : 0;
  const section = `/${pathname.split('/')[1] ?? ''}`;
  const items = signedIn
    ? [
        { key: '/', label: <Link to="/">{t('home')}</Link> },
        {
          key: '/inbox',
          label: (
            <Link to="/inbox" aria-label={`${t('inbox')}: ${unreadCount} ${t('unread')}`}>
              {t('inbox')}{' '}
              <Badge count={unreadCount} overflowCount={99} size="small" data-testid="unread-count" />
            </Link>
          ),
        },
        { key: '/registers', label: <Link to="/registers">{t('registers')}</Link> },
        { key: '/reports-received', label: <Link to="/reports-received">{t('reportsReceived')}</Link> },
        ...(unit && ['clerk', 'specialist'].includes(unit.role)
          ? [{ key: '/compose', label: <Link to="/compose">{t('compose')}</Link> }]
          : []),
        ...(unit?.role === 'admin'
          ? [
              { key: '/organisation', label: <Link to="/organisation">{t('organisation')}</Link> },
              { key: '/delegations', label: <Link to="/delegations">{t('delegations')}</Link> },
            ]
          : []),
        { key: '/calendar', label: <Link to="/calendar">{t('calendar')}</Link> },
      ]
    : [];
  return (
    <Layout.Header className="top">
      <Link to="/" className="brand">
        <span className="brand-long">{t('appName')}</span>
        <span className="brand-short">Cascade</span>
      </Link>
      {signedIn && (
        <nav aria-label={t('mainNav')} className="menu">
          {/* what does not fit folds into "…" (opened by a click, so by keyboard and touch too) */}
          <Menu
            mode="horizontal"
            theme="dark"
            selectedKeys={[section]}
            items={items}
            triggerSubMenuAction="click"
          />
        </nav>
      )}
      {/* a phone: the menu in a drawer, opened by one button, instead of a row that eats the screen */}
      {signedIn && (
        <Button className="nav-button" type="text" aria-expanded={drawer} onClick={() => setDrawer(true)}>
          ☰ {t('menu')}
        </Button>
      )}
      <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={280} title={t('mainNav')}>
        <nav aria-label={t('mainNav')}>
          <Menu mode="vertical" selectedKeys={[section]} items={items} onClick={() => setDrawer(false)} />
        </nav>
      </Drawer>
      <Space size="small" wrap className="tools">
        {signedIn && (
          <form role="search" className="header-search" onSubmit={(e) => e.preventDefault()}>
            <Input.Search
              aria-label={t('searchAll')}
              placeholder={t('searchHint')}
              allowClear
              onSearch={(value) => {
                if (value.trim()) void navigate(`/search?q=${encodeURIComponent(value.trim())}`);
              }}
            />
          </form>
        )}
        {me && choices.length > 0 && (
          <Select
            aria-label={t('unit')}
            className="unit-select"
            popupMatchSelectWidth={false}
            value={unit?.id}
            placeholder={t('chooseTree')}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(id: string) => setUnit(choices.find((m) => m.id === id) ?? null)}
            options={choices.map((m) => ({
              value: m.id,
              label: `${m.unitName} (${m.id.startsWith(SYSTEM) ? t('systemAdmin') : say(ROLE, m.role)})`,
            }))}
          />
        )}
        <Button
          type="text"
          className="on-dark"
          onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}
          lang={lang === 'vi' ? 'en' : 'vi'}
        >
          {t('language')}
        </Button>
        {signedIn && (
          <Button type="text" className="on-dark" onClick={onSignOut}>
            {t('signOut')}
          </Button>
        )}
      </Space>
    </Layout.Header>
  );
}
