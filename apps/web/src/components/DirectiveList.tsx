import { List, Tag } from 'antd';
import { Link } from 'react-router';
import type { RegisterItem } from '@cascade/contracts';
import { useApp } from '../context';
import { DIRECTIVE_STATUS, DOC_TYPE, NODE_STATUS } from '../words/vocabulary';

/** A short list of directives, each a link, with its status (or the unit's, for one received) in words. */
export function DirectiveList({ items, received }: { items: RegisterItem[]; received?: boolean }) {
  const { t, say } = useApp();
  return (
    <List
      className="list"
      size="small"
      dataSource={items}
      locale={{ emptyText: t('nothing') }}
      renderItem={(d) => (
        <List.Item>
          <Link to={received ? `/received/${d.id}` : `/d/${d.id}`}>
            <strong>{d.symbol ?? say(DOC_TYPE, d.type)}</strong> {d.subject}
          </Link>{' '}
          <Tag>{d.nodeStatus ? say(NODE_STATUS, d.nodeStatus) : say(DIRECTIVE_STATUS, d.status)}</Tag>
        </List.Item>
      )}
    />
  );
}
