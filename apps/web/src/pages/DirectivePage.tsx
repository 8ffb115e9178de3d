import { useState } from 'react';
import { Link } from 'react-router';
import { App as AntApp, Button, Card, Form, Input, Modal, Space, Steps, Tag, Typography } from 'antd';
import type { Directive } from '@cascade/contracts';
import { api, ApiFailure, openFile } from '../api';
import { Attachments } from '../components/Attachments';
import { DirectiveSummary } from '../components/DirectiveSummary';
import { Problem } from '../components/Problem';
import { SignDialog } from '../components/SignDialog';
import { Routing } from '../components/Routing';
import { Schedules } from '../components/Schedules';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { dmy } from '../format';
import { DELEGATION_KIND, DIRECTIVE_STATUS, DOC_TYPE } from '../words/vocabulary';

const STEP_OF: Record<string, number> = { draft: 0, in_review: 1, approved: 2, signed: 3, dispatched: 4 };
const ISSUED = ['signed', 'dispatched', 'closed', 'recalled', 'superseded'];

/** The official document (PDF or Word) fetched with the session; a 404 (not made yet) says so in words. */
export function DocumentButtons({ id }: { id: string }) {
  const { t } = useApp();
  const { message } = AntApp.useApp();
  const open = (format: 'pdf' | 'docx', download?: string) =>
    openFile(`/directives/${id}/document.${format}`, download).catch((e: unknown) =>
      message.error(
        e instanceof ApiFailure && e.status === 404 ? t('documentNotReady') : (e as Error).message,
      ),
    );
  return (
    <Space wrap>
      <Button onClick={() => void open('pdf')}>{t('viewPdf')}</Button>
      <Button onClick={() => void open('pdf')}>{t('print')}</Button>
      <Button onClick={() => void open('docx', `van-ban-${id}.docx`)}>{t('docx')}</Button>
    </Space>
  );
}

/** A directive: where it is (steps), review with approve / return / reject, signing with a confirmation, routing. */
export function DirectivePage({ id }: { id: string }) {
  const { t, unit, say } = useApp();
  const q = useGet<Directive>(`/directives/${id}`);
  const d = q.data;
  const [actionError, setActionError] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<'return' | 'reject' | null>(null);
  const [signing, setSigning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ comment: string }>();
  const act = async (path: string, body: object) => {
    setActionError(null);
    setBusy(true);
    try {
      await api('POST', `/directives/${id}/${path}`, body);
      return true;
    } catch (e) {
      setActionError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  if (q.error) return <Problem text={q.error.message} />;
  if (!d) return null;
  const leader = unit?.role === 'leader';
  const drafter = unit && ['clerk', 'specialist'].includes(unit.role) && unit.unitId === d.issuerId;
  const step = STEP_OF[d.status] ?? (ISSUED.includes(d.status) ? 4 : 0);
  return (
    <article>
      <Card>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {d.symbol ?? say(DOC_TYPE, d.type)} — {d.content.subject}
        </Typography.Title>
        <p>
          {t('status')}:{' '}
          <Tag className={`status-${d.status}`} data-testid="status">
            {say(DIRECTIVE_STATUS, d.status)}
          </Tag>
        </p>
        <Steps
          size="small"
          current={step}
          status={d.status === 'rejected' || d.status === 'cancelled' ? 'error' : undefined}
          items={[
            { title: t('stepDraft') },
            { title: t('stepReview') },
            { title: t('stepSign') },
            { title: t('stepDispatch') },
          ]}
        />
        <ol className="tasks">
          {d.content.tasks.map((task, i) => (
            <li key={i}>{task}</li>
          ))}
        </ol>
        {d.signer && (
          <p>
            {t('signature')}: {d.signer.authority} {d.signer.position} {d.signer.name} · SHA-256{' '}
            {d.sha256?.slice(0, 16)}…
          </p>
        )}
        {d.signer?.delegation && (
          <p data-testid="signed-under">
            {t('signedUnder')}: {say(DELEGATION_KIND, d.signer.delegation.kind)} · {t('grantedBy')}{' '}
            {d.signer.delegation.grantorName} · {t('basis')} {d.signer.delegation.basisNumber} {t('dated')}{' '}
            {dmy(d.signer.delegation.basisDate)}
          </p>
        )}
        <Space wrap>
          {leader && d.status === 'in_review' && (
            <>
              <Button
                type="primary"
                loading={busy}
                onClick={() => void act('review', { version: d.version, decision: 'approve' })}
              >
                {t('approve')}
              </Button>
              <Button onClick={() => setDeciding('return')}>{t('returnDraft')}</Button>
              <Button danger onClick={() => setDeciding('reject')}>
                {t('reject')}
              </Button>
            </>
          )}
          {leader && d.status === 'approved' && (
            <Button type="primary" onClick={() => setSigning(true)}>
              {t('sign')}
            </Button>
          )}
          {drafter && d.status === 'draft' && (
            <Button type="primary" loading={busy} onClick={() => void act('submit', { version: d.version })}>
              {t('submitReview')}
            </Button>
          )}
          <Link to={`/audit/${d.id}`}>{t('audit')}</Link>
        </Space>
        <Problem text={actionError} />
        {ISSUED.includes(d.status) && <DocumentButtons id={d.id} />}
      </Card>
      <Card>
        <Attachments id={d.id} editable={!!drafter && ['draft', 'in_review'].includes(d.status)} />
      </Card>
      {!ISSUED.includes(d.status) && (
        <Card title={t('preview')}>
          <DirectiveSummary issuerId={d.issuerId} content={d.content} />
        </Card>
      )}
      <Modal
        open={!!deciding}
        title={deciding === 'reject' ? t('reject') : t('returnDraft')}
        okText={deciding === 'reject' ? t('reject') : t('returnDraft')}
        okButtonProps={{ danger: deciding === 'reject', loading: busy }}
        cancelText={t('cancel')}
        onCancel={() => setDeciding(null)}
        onOk={() =>
          void form
            .validateFields()
            .then(async ({ comment }) => {
              if (await act('review', { version: d.version, decision: deciding, comment })) {
                setDeciding(null);
                form.resetFields();
              }
            })
            // a missing comment is said beside the field
            .catch(() => undefined)
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="comment"
            label={t('comment')}
            rules={[{ required: true, whitespace: true, message: t('commentRequired') }]}
          >
            <Input.TextArea rows={4} />
          </Form.Item>
        </Form>
        <Problem text={actionError} />
      </Modal>
      <SignDialog
        d={d}
        open={signing}
        busy={busy}
        error={actionError}
        onCancel={() => setSigning(false)}
        onSign={(under) =>
          void act('sign', { version: d.version, ...under }).then((ok) => ok && setSigning(false))
        }
      />
      {['dispatched', 'closed', 'recalled', 'superseded'].includes(d.status) && (
        <Card>
          {d.content.reporting && <Schedules d={d} />}
          <Routing id={d.id} issuerId={d.issuerId} fields={d.content.reporting?.form?.fields} />
        </Card>
      )}
    </article>
  );
}
