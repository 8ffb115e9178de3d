import { ROLES } from '@cascade/domain';
import { useApp } from '../context';
import { ROLE } from '../words/vocabulary';

/** A role, offered in words (the value sent is the role's code). */
export function RoleSelect({ value, onChange }: { value: string; onChange: (role: string) => void }) {
  const { say } = useApp();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {say(ROLE, r)}
        </option>
      ))}
    </select>
  );
}
