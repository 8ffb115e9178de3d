import { useEffect, useState } from 'react';
import { Button, Card, Form, Select } from 'antd';
import { api } from '../api';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { Problem } from './Problem';

interface Reviewer {
  position: number;
  reviewerId: string;
  reviewerName: string;
}

/** The unit's review chain: its leaders who review a draft, in order (a unit without one cannot submit drafts). */
export function ReviewChain({ unitId }: { unitId: string }) {
  const { t } = useApp();
  const chain = useGet<Reviewer[]>(`/units/${unitId}/review-chain`);
  const members = useGet<{ items: { userId: string; userName: string; userEmail: string; role: string }[] }>(
    `/units/${unitId}/members?limit=500`,
  );
  const leaders = (members.data?.items ?? []).filter((m) => m.role === 'leader');
  const [picked, setPicked] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setPicked((chain.data ?? []).map((r) => r.reviewerId)), [chain.data]);
  const save = async () => {
    setFailure(null);
    setSaved(false);
    try {
      await api('PUT', `/units/${unitId}/review-chain`, { reviewerIds: picked });
      setSaved(true);
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  return (
    <Card title={<h2 id="review-chain">{t('reviewChain')}</h2>} data-testid="review-chain">
      <p>{chain.data?.length ? chain.data.map((r) => r.reviewerName).join(' → ') : t('noReviewChain')}</p>
      <Form layout="vertical" onFinish={() => void save()} aria-labelledby="review-chain">
        <Form.Item
          label={t('reviewers')}
          htmlFor="reviewers"
          help={leaders.length ? undefined : t('noLeaders')}
        >
          <Select
            id="reviewers"
            mode="multiple"
            value={picked}
            onChange={setPicked}
            options={leaders.map((l) => ({ value: l.userId, label: `${l.userName} (${l.userEmail})` }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" disabled={!picked.length}>
          {t('saveReviewChain')}
        </Button>
        {saved && <p role="status">{t('saved')}</p>}
        <Problem text={failure} />
      </Form>
    </Card>
  );
}
