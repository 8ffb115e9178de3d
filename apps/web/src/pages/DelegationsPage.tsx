import { useState } from 'react';
import { App as AntApp, Button, Card, DatePicker, Form, Input, Modal, Select, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import type { DelegationRow } from '@cascade/contracts';
import { api } from '../api';
import { More } from '../components/More';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { dmy } from '../format';
import { fieldsNamed, picked, placeOrSay, useServerProblems } from '../forms';
import { leadersOf, useMembers, usePaged } from '../hooks';
import type { Key } from '../i18n';
import { DELEGATION_KIND, DOC_TYPE } from '../words/vocabulary';

interface Fields {
  kind: string;
  grantorUserId: string;
  granteeUserId: string;
  head?: string;
  position?: string;
  basisNumber: string;
  basisDate: Dayjs;
  docTypes?: string[];
  validFrom: Dayjs;
  validUntil?: Dayjs;
}

/** The form's field an API problem names (`basis.number: …` is the basis number's field). */
const FIELD_OF: Record<string, keyof Fields> = {
  kind: 'kind',
  grantorUserId: 'grantorUserId',
  granteeUserId: 'granteeUserId',
  head: 'head',
  position: 'position',
  'basis.number': 'basisNumber',
  'basis.date': 'basisDate',
  docTypes: 'docTypes',
  validFrom: 'validFrom',
  validUntil: 'validUntil',
};

/** A day chosen in the picker as the instant it starts in Việt Nam (the API takes ISO 8601 with an offset). */
const startOf = (d: Dayjs) => `${d.format('YYYY-MM-DD')}T00:00:00+07:00`;
const endOf = (d: Dayjs) => `${d.format('YYYY-MM-DD')}T23:59:59+07:00`;
const vnDay = (iso: string) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

/** Where a relation stands now: revoked, not yet in force, expired, or in force. */
function standing(d: DelegationRow): Key {
  if (d.revokedAt) return 'delegationRevoked';
  if (Date.parse(d.validFrom) > Date.now()) return 'delegationPending';
  if (d.validUntil && Date.parse(d.validUntil) <= Date.now()) return 'delegationExpired';
  return 'delegationActive';
}

/**
 * The unit's signing relations (Decree 30/2020, art. 13: KT., Q., TL., TUQ.), kept by its administrator: record one
 * with its written basis, scope and period; see each with the lines it prints and whether it is in force; revoke it
 * (kept: directives signed under it still name it).
 */
export function DelegationsPage() {
  const { t, unit, say } = useApp();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Fields>();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<DelegationRow | null>(null);
  const [reason, setReason] = useState('');
  const kind = Form.useWatch('kind', form);
  // the API's refusal beside the field it names, else above the form
  const problems = useServerProblems([{ prefix: '', form, item: fieldsNamed(FIELD_OF) }]);
  const path = unit ? `/units/${unit.unitId}` : null;
  const members = useMembers(unit?.unitId);
  const list = usePaged<DelegationRow>(path && `${path}/delegations?limit=50`, [path]);
  if (!unit || unit.role !== 'admin') return <Problem text={unit ? t('adminOnly') : null} />;
  const leaders = leadersOf(members.items).map((m) => ({
    value: m.userId,
    label: m.position ? `${m.userName} — ${m.position}` : m.userName,
  }));
  const save = async (f: Fields) => {
    setProblem(null);
    problems.clear();
    setBusy(true);
    try {
      await api('POST', `${path}/delegations`, {
        kind: f.kind,
        grantorUserId: f.grantorUserId,
        granteeUserId: f.granteeUserId,
        ...(f.head?.trim() ? { head: f.head.trim() } : {}),
        ...(f.position?.trim() ? { position: f.position.trim() } : {}),
        basis: { number: f.basisNumber.trim(), date: f.basisDate.format('YYYY-MM-DD') },
        ...(f.docTypes?.length ? { docTypes: f.docTypes } : {}),
        validFrom: startOf(f.validFrom),
        ...(f.validUntil ? { validUntil: endOf(f.validUntil) } : {}),
      });
      form.resetFields();
      void message.success(t('delegationSaved'));
    } catch (e) {
      placeOrSay(e, problems, setProblem);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    try {
      await api('POST', `${path}/delegations/${revoking.id}/revoke`, reason.trim() ? { reason } : {});
      setRevoking(null);
      setReason('');
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const required = [picked(t)];
  const tuq = kind === 'TUQ.';
  return (
    <article>
      <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('delegations')}</h1>}>
        <p className="note">{t('delegationsHint')}</p>
        <Problem text={problem ?? list.error ?? members.error} />
        <Table<DelegationRow>
          data-testid="delegations"
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: true }}
          dataSource={list.items}
          locale={{ emptyText: t('noDelegations') }}
          columns={[
            { title: t('delegationKind'), key: 'kind', render: (_, d) => say(DELEGATION_KIND, d.kind) },
            {
              title: t('signingLines'),
              key: 'lines',
              render: (_, d) => `${d.authority} / ${d.position}`,
            },
            { title: t('grantee'), key: 'grantee', render: (_, d) => d.grantee.name },
            { title: t('grantor'), key: 'grantor', render: (_, d) => d.grantor.name },
            {
              title: t('basis'),
              key: 'basis',
              render: (_, d) => `${d.basis.number} ${t('dated')} ${dmy(d.basis.date)}`,
            },
            {
              title: t('docTypesScope'),
              key: 'scope',
              render: (_, d) =>
                d.docTypes ? d.docTypes.map((x) => say(DOC_TYPE, x)).join(', ') : t('allDocTypes'),
            },
            {
              title: t('validPeriod'),
              key: 'period',
              render: (_, d) =>
                `${dmy(vnDay(d.validFrom))}–${d.validUntil ? dmy(vnDay(d.validUntil)) : t('noEnd')}`,
            },
            {
              title: t('status'),
              key: 'standing',
              render: (_, d) => <Tag data-testid="standing">{t(standing(d))}</Tag>,
            },
            {
              title: t('actions'),
              key: 'revoke',
              render: (_, d) =>
                d.revokedAt ? null : (
                  <Button
                    size="small"
                    danger
                    aria-label={`${t('revoke')} ${say(DELEGATION_KIND, d.kind)} ${d.grantee.name}`}
                    onClick={() => setRevoking(d)}
                  >
                    {t('revoke')}
                  </Button>
                ),
            },
          ]}
        />
        <More more={list.more} />
      </Card>
      <Card title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('delegationNew')}</h2>}>
        <Form<Fields>
          form={form}
          layout="vertical"
          name="delegation"
          aria-label={t('delegationNew')}
          onFinish={(f) => void save(f)}
          onValuesChange={() => setProblem(null)}
        >
          <Form.Item name="kind" label={t('delegationKind')} rules={required}>
            <Select
              options={Object.keys(DELEGATION_KIND).map((k) => ({
                value: k,
                label: say(DELEGATION_KIND, k),
              }))}
            />
          </Form.Item>
          <Form.Item name="grantorUserId" label={t('grantor')} rules={required}>
            <Select options={leaders} notFoundContent={t('noLeaders')} />
          </Form.Item>
          <Form.Item name="granteeUserId" label={t('grantee')} rules={required}>
            <Select options={leaders} notFoundContent={t('noLeaders')} />
          </Form.Item>
          <Form.Item name="head" label={t('headTitle')} extra={t('headTitleHint')}>
            <Input />
          </Form.Item>
          <Form.Item name="position" label={t('positionLine')} extra={t('positionLineHint')}>
            <Input />
          </Form.Item>
          <Form.Item name="basisNumber" label={t('basisNumber')} rules={required}>
            <Input placeholder="12/QĐ-LĐLĐ" />
          </Form.Item>
          <Form.Item name="basisDate" label={t('basisDate')} rules={required}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item
            name="docTypes"
            label={t('docTypesScope')}
            extra={tuq ? t('tuqBounded') : t('allDocTypesHint')}
            rules={tuq ? [{ required: true, message: t('tuqBounded') }] : []}
          >
            <Select
              mode="multiple"
              options={Object.keys(DOC_TYPE).map((k) => ({ value: k, label: say(DOC_TYPE, k) }))}
            />
          </Form.Item>
          <Form.Item name="validFrom" label={t('validFrom')} rules={required}>
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Form.Item
            name="validUntil"
            label={t('validUntil')}
            rules={tuq ? [{ required: true, message: t('tuqBounded') }] : []}
          >
            <DatePicker format="DD/MM/YYYY" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('saveDelegation')}
          </Button>
        </Form>
      </Card>
      <Modal
        open={!!revoking}
        title={t('revokeConfirm')}
        okText={t('revoke')}
        cancelText={t('cancel')}
        okButtonProps={{ danger: true, loading: busy }}
        onCancel={() => setRevoking(null)}
        onOk={() => void revoke()}
      >
        {revoking && (
          <p>
            {say(DELEGATION_KIND, revoking.kind)}: {revoking.grantee.name} ({revoking.authority})
          </p>
        )}
        <label htmlFor="revoke-reason">{t('revokeReason')}</label>
        <Input.TextArea
          id="revoke-reason"
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </article>
  );
}
