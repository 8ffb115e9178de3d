import { useState } from 'react';
import { useApp } from '../context';
import { Aggregate } from './Aggregate';
import { Overdue } from './Overdue';
import { TreeLevel } from './TreeLevel';

export function Routing({ id, issuerId }: { id: string; issuerId: string }) {
  const { t } = useApp();
  const [cycle, setCycle] = useState(0);
  return (
    <section aria-labelledby="routing">
      <h2 id="routing">{t('routing')}</h2>
      <label className="inline">
        {t('cycle')}
        <input
          type="number"
          min={1}
          value={cycle + 1}
          onChange={(e) => setCycle(Math.max(0, Number(e.target.value) - 1))}
        />
      </label>
      <TreeLevel id={id} parent={null} cycle={cycle} />
      <Overdue id={id} unitId={issuerId} />
      <Aggregate id={id} unitId={issuerId} cycle={cycle} />
    </section>
  );
}
