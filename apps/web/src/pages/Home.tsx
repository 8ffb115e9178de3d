import { Card, Col, List, Row, Tag } from 'antd';
import { Link } from 'react-router';
import type { RegisterItem } from '@cascade/contracts';
import { DirectiveList } from '../components/DirectiveList';
import { More } from '../components/More';
import { groupByUnit, lateWords, type OverdueRow } from '../components/Overdue';
import { useApp } from '../context';
import { useGet, usePaged } from '../hooks';
import { LADDER_LEVEL } from '../words/vocabulary';

/** What needs attention now; a system administrator with no unit is told to pick a tree. */
export function Home() {
  const { t, unit, me, say } = useApp();
  const incoming = useGet<{ items: RegisterItem[] }>(
    unit ? `/registers/incoming?unitId=${unit.unitId}` : null,
  );
  const outgoing = useGet<{ items: RegisterItem[] }>(
    unit ? `/registers/outgoing?unitId=${unit.unitId}` : null,
  );
  const overdue = usePaged<OverdueRow>(unit ? `/overdue?unitId=${unit.unitId}` : null, [unit?.unitId]);
  if (!unit)
    return me ? (
      <Card>
        <p data-testid="no-unit">{me.systemAdmin ? t('noUnitYet') : t('noUnits')}</p>
      </Card>
    ) : null;
  const inc = incoming.data?.items ?? [];
  const toAck = inc.filter((i) => i.nodeStatus === 'delivered');
  const toReview = (outgoing.data?.items ?? []).filter((i) =>
    ['in_review', 'approved', 'draft'].includes(i.status),
  );
  const received = inc.filter((i) => i.nodeStatus !== 'delivered');
  const late = groupByUnit(overdue.items);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={12}>
        <Card title={<h2 id="ack">{t('toAcknowledge')}</h2>}>
          <DirectiveList items={toAck} received />
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card title={<h2 id="rev">{t('toReview')}</h2>}>
          <DirectiveList items={toReview} />
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card title={<h2 id="rec">{t('received')}</h2>}>
          <DirectiveList items={received} received />
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card title={<h2 id="od">{t('overdueBelow')}</h2>}>
          <List
            size="small"
            dataSource={late}
            locale={{ emptyText: t('nothing') }}
            renderItem={(o) => (
              <List.Item>
                <Tag className="tag-late">{say(LADDER_LEVEL, o.level)}</Tag>
                <Link to={`/d/${o.directiveId}?cycle=${Math.max(...o.cycles) + 1}`}>
                  {o.unitName} — {o.symbol}
                </Link>{' '}
                ({o.cycles.length} {t('cycles')}, {t('lateBy')} {lateWords(o.lateSeconds, t)})
              </List.Item>
            )}
          />
          <More more={overdue.more} />
        </Card>
      </Col>
    </Row>
  );
}
