import { useState, type FormEvent } from 'react';
import type { MemberRow, UnitRow } from '@cascade/contracts';
import { api } from '../api';
import { Problem } from '../components/Problem';
import { RoleSelect } from '../components/RoleSelect';
import { useApp } from '../context';
import { useLoad, usePaged } from '../hooks';
import { More } from '../components/More';
import { ROLE, UNIT_KIND } from '../words/vocabulary';
import { ReviewChain } from '../components/ReviewChain';

/** The unit's subtree, CSV import and export, its members and new users (administrators). */
export function Organisation() {
  const { t, unit, say } = useApp();
  const [tree, treeError, reloadTree] = useLoad(
    () =>
      unit
        ? api<{ items: UnitRow[] }>('GET', `/units/${unit.unitId}/tree?depth=3&limit=500`)
        : Promise.resolve(null),
    [unit?.unitId],
  );
  const members = usePaged<MemberRow>(unit ? `/units/${unit.unitId}/members?limit=100` : null, [
    unit?.unitId,
  ]);
  const reloadMembers = members.reload;
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [person, setPerson] = useState({ email: '', name: '', password: '', role: 'clerk' });
  const [grant, setGrant] = useState({ email: '', role: 'clerk' });
  const addRole = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      await api('POST', `/units/${unit!.unitId}/memberships`, grant);
      setGrant({ email: '', role: 'clerk' });
      reloadMembers();
    } catch (err) {
      setFailure((err as Error).message);
    }
  };
  if (!unit) return null;
  const top = Math.min(...(tree?.items ?? []).map((u) => u.level));
  const importCsv = async () => {
    setFailure(null);
    try {
      const r = await api<{
        created: unknown[];
        updated: unknown[];
        rejected: { code: string; problems: string[] }[];
      }>('POST', '/units/import', csv, { contentType: 'text/csv; charset=utf-8' });
      setResult(
        `${r.created.length} ${t('created')} · ${r.updated.length} ${t('updated')} · ${r.rejected.length} ${t('rejected')}`,
      );
      reloadTree();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  const exportCsv = async () => {
    const text = await api<string>('GET', `/units/export?under=${unit.unitId}&format=csv`, undefined, {
      raw: true,
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'units.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  const addPerson = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      await api('POST', '/users', {
        email: person.email,
        name: person.name,
        password: person.password,
        membership: { unitId: unit.unitId, role: person.role },
      });
      setPerson({ email: '', name: '', password: '', role: 'clerk' });
      reloadMembers();
    } catch (err) {
      setFailure((err as Error).message);
    }
  };
  return (
    <div className="grid">
      <section className="card" aria-labelledby="org-tree">
        <h1 id="org-tree">{t('organisation')}</h1>
        <Problem text={treeError} />
        <ul className="tree" data-testid="units">
          {(tree?.items ?? []).map((u) => (
            <li key={u.id} style={{ marginLeft: `${(u.level - top) * 1.2}rem` }}>
              <span>{u.name}</span>{' '}
              <span className="rollup">
                {u.code} · {say(UNIT_KIND, u.kind)}
              </span>
            </li>
          ))}
        </ul>
        <button onClick={() => void exportCsv()}>{t('exportCsv')}</button>
        <label>
          {t('importCsv')}
          <textarea
            rows={5}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder="code,name,kind,parentCode"
          />
        </label>
        <button onClick={() => void importCsv()} disabled={!csv.trim()}>
          {t('importUnits')}
        </button>
        {result && (
          <p role="status" data-testid="import-result">
            {result}
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="org-people">
        <h2 id="org-people">{t('people')}</h2>
        <ul data-testid="members">
          {members.items.map((m) => (
            <li key={m.id}>
              {m.userName} — {m.userEmail} <span className="badge">{say(ROLE, m.role)}</span>
            </li>
          ))}
        </ul>
        <More more={members.more} testId="members-more" />
        <form onSubmit={(e) => void addPerson(e)} aria-label={t('addPerson')}>
          <h3>{t('addPerson')}</h3>
          <label>
            {t('email')}
            <input
              type="email"
              required
              value={person.email}
              onChange={(e) => setPerson({ ...person, email: e.target.value })}
            />
          </label>
          <label>
            {t('name')}
            <input
              required
              value={person.name}
              onChange={(e) => setPerson({ ...person, name: e.target.value })}
            />
          </label>
          <label>
            {t('password')}
            <input
              type="password"
              autoComplete="new-password"
              required
              value={person.password}
              onChange={(e) => setPerson({ ...person, password: e.target.value })}
            />
          </label>
          <label>
            {t('role')}
            <RoleSelect value={person.role} onChange={(role) => setPerson({ ...person, role })} />
          </label>
          <button type="submit">{t('addPerson')}</button>
        </form>
        <form onSubmit={(e) => void addRole(e)} aria-label={t('addRole')}>
          <h3>{t('addRole')}</h3>
          <label>
            {t('email')}
            <input
              type="email"
              required
              value={grant.email}
              onChange={(e) => setGrant({ ...grant, email: e.target.value })}
            />
          </label>
          <label>
            {t('role')}
            <RoleSelect value={grant.role} onChange={(role) => setGrant({ ...grant, role })} />
          </label>
          <button type="submit">{t('addRole')}</button>
        </form>
      </section>
      <ReviewChain unitId={unit.unitId} />
      <Problem text={failure} />
    </div>
  );
}
