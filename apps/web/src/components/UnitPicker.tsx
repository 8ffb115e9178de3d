import { Tree } from 'antd';
import { useApp } from '../context';

/** The root of the picker's tree: checking it checks every unit below ("Tất cả đơn vị trực thuộc"). */
export const ALL = 'all';

/**
 * The addressees, picked in the issuer's tree (antd Tree): its units below, under one root that stands for all of
 * them. The value is the ids of the units checked; every one checked is the root checked.
 */
export function UnitPicker({
  units,
  value = [],
  onChange,
  id,
}: {
  units: { id: string; name: string }[];
  value?: string[];
  onChange?: (ids: string[]) => void;
  id?: string;
}) {
  const { t } = useApp();
  return (
    <div id={id} data-testid="addressee-tree">
      <Tree
        checkable
        selectable={false}
        defaultExpandedKeys={[ALL]}
        treeData={[
          {
            key: ALL,
            title: t('allChildren'),
            children: units.map((u) => ({ key: u.id, title: u.name, isLeaf: true })),
          },
        ]}
        checkedKeys={value}
        onCheck={(checked) => {
          const keys = (Array.isArray(checked) ? checked : checked.checked).map(String);
          // units the value names that the tree does not show (departments an import named) stay picked
          const unseen = value.filter((k) => !units.some((u) => u.id === k));
          onChange?.([...unseen, ...keys.filter((k) => k !== ALL)]);
        }}
      />
    </div>
  );
}
