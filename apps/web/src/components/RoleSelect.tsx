const ROLE_CHOICES = ['clerk', 'specialist', 'leader', 'auditor', 'admin', 'connector'];

export function RoleSelect({ value, onChange }: { value: string; onChange: (role: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      {ROLE_CHOICES.map((r) => (
        <option key={r}>{r}</option>
      ))}
    </select>
  );
}
