import { useState } from 'react';
import type { RegisterItem } from '@cascade/contracts';
import { api } from '../api';
import { Link } from 'react-router';
import { Table, Tag } from 'antd';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { useLoad } from '../hooks';
import { vnDay, when } from '../format';
import { DIRECTIVE_STATUS, DOC_TYPE, NODE_STATUS } from '../words/vocabulary';

/** The register's day of an entry: signed (else drafted) going out, delivered (received) coming in. */
const dayOf = (d: RegisterItem) => d.deliveredAt ?? d.signedAt ?? d.createdAt ?? null;

/**
 * The outgoing and incoming registers (sổ văn bản đi, đến): day, number, subject, issuer and received number
 * (incoming), status in words, the next deadline; searched without accents, filtered by status and type.
 */
export function Registers() {
  const { t, unit, say } = useApp();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'outgoing' | 'incoming'>('outgoing');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const filters = `${status ? `&status=${status}` : ''}${type ? `&type=${type}` : ''}`;
  const [data, error] = useLoad(
    () =>
      unit
        ? api<{ items: RegisterItem[] }>(
            'GET',
            `/registers/${kind}?unitId=${unit.unitId}&q=${encodeURIComponent(q)}${filters}`,
          )
        : Promise.resolve(null),
    [unit?.unitId, kind, q, filters],
  );
  return (
    <section className="card">
      <h1>{t('registers')}</h1>
      <div role="tablist" className="tabs">
        {(['outgoing', 'incoming'] as const).map((k) => (
          <button key={k} role="tab" aria-selected={kind === k} onClick={() => setKind(k)}>
            {t(k)}
          </button>
        ))}
      </div>
      <label>
        {t('search')}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <div className="row">
        <label>
          {t('status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {[
              '',
              'draft',
              'in_review',
              'approved',
              'signed',
              'dispatched',
              'closed',
              'recalled',
              'superseded',
            ].map((x) => (
              <option key={x} value={x}>
                {x ? say(DIRECTIVE_STATUS, x) : '—'}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('type')}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {['', 'KH', 'HD', 'CV', 'CT', 'TB', 'QD', 'BC'].map((x) => (
              <option key={x} value={x}>
                {x ? say(DOC_TYPE, x) : '—'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Problem text={error} />
      <Table<RegisterItem>
        data-testid="register"
        rowKey="id"
        size="small"
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('nothing') }}
        columns={[
          {
            title: kind === 'incoming' ? t('receivedOn') : t('date'),
            key: 'date',
            render: (_, d) => vnDay(dayOf(d)),
            sorter: (a, b) => (dayOf(a) ?? '').localeCompare(dayOf(b) ?? ''),
          },
          ...(kind === 'incoming'
            ? [
                {
                  title: t('receivedNumber'),
                  key: 'receivedNumber',
                  render: (_: unknown, d: RegisterItem) => d.receivedNumber ?? '—',
                },
              ]
            : []),
          {
            title: t('number'),
            key: 'symbol',
            render: (_, d) => d.symbol ?? say(DOC_TYPE, d.type),
            sorter: (a, b) => (a.symbol ?? '').localeCompare(b.symbol ?? '', 'vi', { numeric: true }),
          },
          {
            title: t('subject'),
            key: 'subject',
            render: (_, d) => (
              <Link to={kind === 'incoming' ? `/received/${d.id}` : `/d/${d.id}`}>{d.subject}</Link>
            ),
            sorter: (a, b) => a.subject.localeCompare(b.subject, 'vi'),
          },
          ...(kind === 'incoming'
            ? [
                {
                  title: t('issuer'),
                  key: 'issuer',
                  render: (_: unknown, d: RegisterItem) => d.issuerName ?? '—',
                  sorter: (a: RegisterItem, b: RegisterItem) =>
                    (a.issuerName ?? '').localeCompare(b.issuerName ?? '', 'vi'),
                },
              ]
            : []),
          {
            title: t('status'),
            key: 'status',
            render: (_, d) => (
              <Tag>{d.nodeStatus ? say(NODE_STATUS, d.nodeStatus) : say(DIRECTIVE_STATUS, d.status)}</Tag>
            ),
            sorter: (a, b) => (a.nodeStatus ?? a.status).localeCompare(b.nodeStatus ?? b.status),
          },
          {
            // the soonest deadline not passed (incoming: the unit's own, of a cycle it has not reported on)
            title: t('deadline'),
            key: 'deadline',
            render: (_, d) => (d.deadline ? when(d.deadline).slice(0, 16) : '—'),
            sorter: (a, b) => (a.deadline ?? '\uffff').localeCompare(b.deadline ?? '\uffff'),
          },
        ]}
      />
    </section>
  );
}
