import { useState } from 'react';
import { App as AntApp, Button, Modal, Tree } from 'antd';
import type { UnitRow } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { UNIT_KIND } from '../words/vocabulary';
import { Problem } from './Problem';

type Unit = UnitRow & { parentId: string | null; active: boolean };
interface TreeItem {
  key: string;
  title: string;
  children: TreeItem[];
}

/** The units below `unitId` as a tree (the API lists them depth-first, each with its parent). */
function treeOf(units: Unit[], unitId: string, kind: (code: string) => string): TreeItem[] {
  const items = new Map<string, TreeItem>();
  for (const u of units) items.set(u.id, { key: u.id, title: `${u.name} (${kind(u.kind)})`, children: [] });
  const roots: TreeItem[] = [];
  for (const u of units) {
    const item = items.get(u.id)!;
    if (u.parentId === unitId || !items.has(u.parentId ?? '')) roots.push(item);
    else items.get(u.parentId!)!.children.push(item);
  }
  return roots;
}

/**
 * The receiving unit forwards the directive as it is to units of its own (`POST /directives/:id/forward`): picked in
 * its tree, confirmed with their names; it then aggregates their reports instead of reporting itself.
 */
export function Forward({ id, unitId }: { id: string; unitId: string }) {
  const { t, say } = useApp();
  const { message } = AntApp.useApp();
  const below = useGet<{ items: Unit[] }>(`/units/${unitId}/tree?depth=3&limit=500`);
  const units = (below.data?.items ?? []).filter((u) => u.id !== unitId && u.active);
  const [picked, setPicked] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const names = units.filter((u) => picked.includes(u.id)).map((u) => u.name);
  const forward = async () => {
    setBusy(true);
    try {
      const r = await api<{ forwarded: number }>('POST', `/directives/${id}/forward`, {
        unitId,
        addressees: { mode: 'units', unitIds: picked },
      });
      setConfirming(false);
      setProblem(null);
      void message.success(`${t('forwardedTo')} ${r.forwarded} ${t('unitsWord')}.`);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  // nothing to offer until the units below are read, nor when there are none
  if (!units.length) return null;
  return (
    <section aria-labelledby="forward" data-testid="forward">
      <h2 id="forward" style={{ fontSize: 18 }}>
        {t('forwardTitle')}
      </h2>
      <p className="note">{t('forwardHint')}</p>
      <Tree
        checkable
        checkStrictly
        // a click on a unit's name ticks it (nothing else to select here)
        selectable={false}
        defaultExpandAll
        aria-label={t('forwardPick')}
        treeData={treeOf(units, unitId, (k) => say(UNIT_KIND, k))}
        checkedKeys={picked}
        onCheck={(keys) => setPicked((Array.isArray(keys) ? keys : keys.checked).map(String))}
      />
      <Button
        type="primary"
        disabled={!picked.length}
        onClick={() => (setProblem(null), setConfirming(true))}
      >
        {t('forwardButton')}
      </Button>
      <Problem text={confirming ? null : problem} />
      <Modal
        open={confirming}
        title={t('forwardConfirm')}
        okText={t('forwardNow')}
        cancelText={t('cancel')}
        okButtonProps={{ loading: busy }}
        onCancel={() => setConfirming(false)}
        onOk={() => void forward()}
      >
        <p>{t('forwardConfirmHint')}</p>
        <ul data-testid="forward-to">
          {names.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
        <Problem text={problem} />
      </Modal>
    </section>
  );
}
