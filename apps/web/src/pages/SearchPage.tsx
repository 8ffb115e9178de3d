import { Table, Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import type { Page } from '@cascade/contracts';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { when } from '../format';
import { usePaged } from '../hooks';
import { DIRECTIVE_STATUS, DOC_TYPE } from '../words/vocabulary';

/** A directive the search found (`GET /search/directives`). */
export interface DirectiveHit {
  id: string;
  symbol: string | null;
  type: string;
  status: string;
  subject: string | null;
  issuerName: string;
  sortAt: string;
  asIssuer: boolean;
}
export type DirectiveHits = Page<DirectiveHit>;

/** What the header's search box found (`#/search?q=…`): number, subject, issuer, date, status; newest first. */
export function SearchPage() {
  const { t, say } = useApp();
  const [params] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const list = usePaged<DirectiveHit>(q ? `/search/directives?q=${encodeURIComponent(q)}&limit=50` : null, [
    q,
  ]);
  return (
    <section className="card">
      <h1>
        {t('searchResults')}
        {q ? `: “${q}”` : ''}
      </h1>
      <Problem text={list.error} />
      <Table<DirectiveHit>
        data-testid="search-results"
        rowKey="id"
        size="small"
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('notFoundAny') }}
        columns={[
          { title: t('number'), key: 'symbol', render: (_, d) => d.symbol ?? say(DOC_TYPE, d.type) },
          {
            title: t('subject'),
            key: 'subject',
            render: (_, d) => (
              <Link to={d.asIssuer ? `/d/${d.id}` : `/received/${d.id}`}>{d.subject ?? '—'}</Link>
            ),
          },
          { title: t('issuer'), key: 'issuer', dataIndex: 'issuerName' },
          { title: t('when'), key: 'at', render: (_, d) => when(d.sortAt) },
          {
            title: t('status'),
            key: 'status',
            render: (_, d) => <Tag>{say(DIRECTIVE_STATUS, d.status)}</Tag>,
          },
        ]}
      />
      {list.more && (
        <button className="link" onClick={list.more}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
