import { InputNumber, Space } from 'antd';
import { useSearchParams } from 'react-router';
import type { FormField } from '@cascade/domain';
import { useApp } from '../context';
import { Aggregate } from './Aggregate';
import { Overdue } from './Overdue';
import { TreeLevel } from './TreeLevel';

/** The issuer's dashboard for the cycle chosen (kept in the URL, `?cycle=2` is the second): tree, overdue, aggregate. */
export function Routing({ id, issuerId, fields }: { id: string; issuerId: string; fields?: FormField[] }) {
  const { t } = useApp();
  const [params, setParams] = useSearchParams();
  const cycle = Math.max(0, Number(params.get('cycle') ?? '1') - 1 || 0);
  return (
    <section aria-labelledby="routing">
      <h2 id="routing">{t('routing')}</h2>
      <Space>
        <label htmlFor="routing-cycle">{t('cycle')}</label>
        <InputNumber
          id="routing-cycle"
          min={1}
          value={cycle + 1}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.set('cycle', String(Math.max(1, Number(v) || 1)));
            setParams(next, { replace: true });
          }}
        />
      </Space>
      <TreeLevel id={id} parent={null} cycle={cycle} />
      <Overdue id={id} unitId={issuerId} cycle={cycle} />
      <Aggregate id={id} unitId={issuerId} cycle={cycle} fields={fields} />
    </section>
  );
}
