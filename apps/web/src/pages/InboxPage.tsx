import { useState } from 'react';
import { Badge, Button, Table, Tabs, Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import type { InboxItem, InboxKind, InboxUnread } from '@cascade/contracts';
import { api } from '../api';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { when } from '../format';
import { useGet, usePaged } from '../hooks';
import type { Key } from '../i18n';
import { LADDER_LEVEL } from '../words/vocabulary';

const KINDS: { kind: InboxKind; title: Key }[] = [
  { kind: 'arrived', title: 'inboxArrived' },
  { kind: 'due', title: 'inboxDue' },
  { kind: 'escalated', title: 'inboxEscalated' },
];

/** Where an item leads: the unit's own copy, or (a rung that told a parent or the issuer) the directive. */
const linkOf = (i: InboxItem) =>
  i.level && !['reminded', 'overdue'].includes(i.level)
    ? `/d/${i.directiveId}`
    : `/received/${i.directiveId}`;

/** The signed-in person's notifications, one tab per kind (in the URL: `#/inbox?kind=due`), unread first in bold. */
export function InboxPage() {
  const { t, say } = useApp();
  const [params, setParams] = useSearchParams();
  const kind = KINDS.find((k) => k.kind === params.get('kind'))?.kind ?? 'arrived';
  const unread = useGet<InboxUnread>('/inbox/unread');
  const list = usePaged<InboxItem>(`/inbox?kind=${kind}&limit=50`, [kind]);
  const [error, setError] = useState<string | null>(null);
  const mark = (items: string[]) =>
    items.length
      ? api('POST', '/inbox/read', { items }).then(
          () => (setError(null), list.reload()),
          (e: Error) => setError(e.message),
        )
      : undefined;
  const unreadHere = list.items.filter((i) => !i.read).map((i) => i.item);
  return (
    <section className="card">
      <h1>{t('inbox')}</h1>
      <Tabs
        activeKey={kind}
        onChange={(k) => setParams({ kind: k })}
        items={KINDS.map((k) => ({
          key: k.kind,
          label: (
            <span>
              {t(k.title)}{' '}
              <Badge
                count={unread.data?.[k.kind] ?? 0}
                overflowCount={99}
                title={`${unread.data?.[k.kind] ?? 0} ${t('unread')}`}
              />
            </span>
          ),
        }))}
      />
      <Problem text={error ?? list.error} />
      <Button onClick={() => void mark(unreadHere.slice(0, 100))} disabled={!unreadHere.length}>
        {t('markAllRead')}
      </Button>
      <Table<InboxItem>
        data-testid="inbox"
        rowKey="item"
        size="small"
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('nothing') }}
        rowClassName={(i) => (i.read ? '' : 'unread')}
        columns={[
          {
            title: kind === 'due' ? t('deadline') : t('when'),
            key: 'at',
            render: (_, i) => when(String(i.at)),
          },
          { title: t('number'), key: 'symbol', render: (_, i) => i.symbol ?? '—' },
          {
            title: t('subject'),
            key: 'subject',
            render: (_, i) => (
              <Link to={linkOf(i)} onClick={() => void mark(i.read ? [] : [i.item])}>
                {i.subject ?? '—'}
              </Link>
            ),
          },
          { title: t('unit'), key: 'unit', dataIndex: 'unitName' },
          ...(kind === 'escalated'
            ? [
                {
                  title: t('status'),
                  key: 'level',
                  render: (_: unknown, i: InboxItem) => <Tag>{say(LADDER_LEVEL, i.level ?? '')}</Tag>,
                },
              ]
            : []),
          {
            title: t('inbox'),
            key: 'read',
            render: (_, i) =>
              i.read ? (
                t('readAlready')
              ) : (
                <Button size="small" onClick={() => void mark([i.item])}>
                  {t('markRead')}
                </Button>
              ),
          },
        ]}
      />
      {list.more && <Button onClick={list.more}>{t('more')}</Button>}
    </section>
  );
}
