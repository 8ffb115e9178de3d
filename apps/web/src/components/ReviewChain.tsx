import { useEffect, useState } from 'react';
import { Button, Card, Form, Select } from 'antd';
import type { ReviewerRow } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { placeOrSay, useServerProblems } from '../forms';
import { leadersOf, useGet, useMembers } from '../hooks';
import { Problem } from './Problem';

/** The unit's review chain: its leaders who review a draft, in order (a unit without one cannot submit drafts). */
export function ReviewChain({ unitId }: { unitId: string }) {
  const { t } = useApp();
  const chain = useGet<ReviewerRow[]>(`/units/${unitId}/review-chain`);
  const leaders = leadersOf(useMembers(unitId, 500).items);
  const [form] = Form.useForm<{ reviewerIds: string[] }>();
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // a refusal naming the reviewers (one who is not a leader) is shown beside them
  const problems = useServerProblems([{ prefix: 'reviewerIds', form, item: () => ['reviewerIds'] }]);
  useEffect(
    () => form.setFieldsValue({ reviewerIds: (chain.data ?? []).map((r) => r.reviewerId) }),
    [chain.data],
  );
  const save = async ({ reviewerIds }: { reviewerIds: string[] }) => {
    setFailure(null);
    setSaved(false);
    problems.clear();
    try {
      await api('PUT', `/units/${unitId}/review-chain`, { reviewerIds });
      setSaved(true);
    } catch (e) {
      placeOrSay(e, problems, setFailure);
    }
  };
  return (
    <Card title={<h2 id="review-chain">{t('reviewChain')}</h2>} data-testid="review-chain">
      <p>{chain.data?.length ? chain.data.map((r) => r.reviewerName).join(' → ') : t('noReviewChain')}</p>
      <Form
        form={form}
        name={`review-chain-${unitId}`}
        layout="vertical"
        onFinish={(v) => void save(v)}
        aria-labelledby="review-chain"
      >
        <Form.Item
          label={t('reviewers')}
          name="reviewerIds"
          extra={leaders.length ? undefined : t('noLeaders')}
          rules={[{ required: true, type: 'array', min: 1, message: t('pickReviewers') }]}
        >
          <Select
            mode="multiple"
            options={leaders.map((l) => ({ value: l.userId, label: `${l.userName} (${l.userEmail})` }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('saveReviewChain')}
        </Button>
        {saved && <p role="status">{t('saved')}</p>}
        <Problem text={failure} />
      </Form>
    </Card>
  );
}
