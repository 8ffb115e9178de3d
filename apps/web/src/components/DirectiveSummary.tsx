import { Descriptions, List, Tag } from 'antd';
import type { DirectiveContent } from '@cascade/contracts';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { FIELD_TYPE, POLICY } from '../words/vocabulary';
import { SchedulePreview } from './SchedulePreview';

/** The units an addressee rule names, in words (the issuer's children by name when they are listed). */
export function AddresseesText({
  issuerId,
  addressees,
}: {
  issuerId: string;
  addressees: DirectiveContent['addressees'];
}) {
  const { t } = useApp();
  const below = useGet<{ items: { id: string; name: string }[] }>(
    `/units/${issuerId}/tree?depth=1&limit=500`,
  );
  const names = new Map((below.data?.items ?? []).map((u) => [u.id, u.name]));
  const listed = (addressees.unitIds ?? []).map((id) => names.get(id) ?? '…');
  if (addressees.mode === 'children') return <span>{[t('allChildren'), ...listed].join('; ')}</span>;
  if (addressees.mode === 'subtree')
    return (
      <span>
        {t('allBelow')} ({addressees.depth ?? 1} {t('levels')})
      </span>
    );
  return <span>{listed.join('; ') || '—'}</span>;
}

/**
 * What a directive will be issued as: its addressees, its reporting schedule with the first deadlines (the server's
 * preview), and its report form, field by field. The leader reads it before signing.
 */
export function DirectiveSummary({ issuerId, content }: { issuerId: string; content: DirectiveContent }) {
  const { t, say } = useApp();
  const reporting = content.reporting;
  return (
    <Descriptions column={1} layout="vertical" bordered size="small" data-testid="directive-summary">
      <Descriptions.Item label={t('addressees')}>
        <AddresseesText issuerId={issuerId} addressees={content.addressees} />
      </Descriptions.Item>
      <Descriptions.Item label={t('reporting')}>
        {reporting ? (
          <>
            <p>
              {t('policy')}: {say(POLICY, reporting.policy ?? 'previous-working-day')}
            </p>
            <SchedulePreview
              schedule={reporting.schedule}
              stagger={reporting.stagger?.length ? reporting.stagger : [0]}
              policy={reporting.policy ?? 'previous-working-day'}
            />
          </>
        ) : (
          t('noReporting')
        )}
      </Descriptions.Item>
      {reporting?.form && (
        <Descriptions.Item label={t('reportForm')}>
          <List
            size="small"
            dataSource={reporting.form.fields}
            renderItem={(f) => (
              <List.Item>
                {f.label} <Tag>{say(FIELD_TYPE, f.type)}</Tag>
                {f.required && <Tag className="tag-late">{t('required')}</Tag>}
              </List.Item>
            )}
          />
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}
