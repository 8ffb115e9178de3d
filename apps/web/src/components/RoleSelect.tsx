import { Select } from 'antd';
import { ROLES } from '@cascade/domain';
import { useApp } from '../context';
import { ROLE } from '../words/vocabulary';

/** A role, offered in words (the value sent is the role's code); a Form.Item gives it its value and id. */
export function RoleSelect({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (role: string) => void;
  id?: string;
}) {
  const { say } = useApp();
  return (
    <Select
      id={id}
      value={value}
      onChange={onChange}
      options={ROLES.map((r) => ({ value: r, label: say(ROLE, r) }))}
    />
  );
}
