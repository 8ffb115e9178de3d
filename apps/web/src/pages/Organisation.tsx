import { useState, type Key } from 'react';
import { Button, Form, Input, Tree, type TreeDataNode } from 'antd';
import type { NewUser, Page, UnitRow, UserDetail } from '@cascade/contracts';
import { api } from '../api';
import { Problem } from '../components/Problem';
import { RoleSelect } from '../components/RoleSelect';
import { useApp } from '../context';
import { fieldsNamed, needed as neededIn, placeOrSay, useServerProblems } from '../forms';
import { useLoad, useMembers } from '../hooks';
import { More } from '../components/More';
import { ROLE, UNIT_KIND } from '../words/vocabulary';
import { ReviewChain } from '../components/ReviewChain';

interface Person {
  email: string;
  name: string;
  password: string;
  role: string;
}

/**
 * The units as a tree (antd Tree): the API lists them in path order (each after its parent), so each unit hangs
 * under the last unit read one level above it.
 */
export function unitTree(units: UnitRow[], title: (u: UnitRow) => TreeDataNode['title']): TreeDataNode[] {
  const roots: TreeDataNode[] = [];
  const open: { level: number; node: TreeDataNode }[] = [];
  for (const u of units) {
    const node: TreeDataNode = { key: u.id, title: title(u), children: [] };
    while (open.length && open[open.length - 1].level >= u.level) open.pop();
    if (open.length) open[open.length - 1].node.children!.push(node);
    else roots.push(node);
    open.push({ level: u.level, node });
  }
  return roots;
}

/** The unit's subtree, CSV import and export, its members and new users (administrators). */
export function Organisation() {
  const { t, unit, say } = useApp();
  const [tree, treeError, reloadTree] = useLoad(
    () =>
      unit
        ? api<Page<UnitRow>>('GET', `/units/${unit.unitId}/tree?depth=3&limit=500`)
        : Promise.resolve(null),
    [unit?.unitId],
  );
  const members = useMembers(unit?.unitId);
  const reloadMembers = members.reload;
  // every unit open but those the user closed (units imported since show at once)
  const [closed, setClosed] = useState<Set<Key>>(new Set());
  const [result, setResult] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [importing] = Form.useForm<{ csv: string }>();
  const [adding] = Form.useForm<Person>();
  const [granting] = Form.useForm<{ email: string; role: string }>();
  const personProblems = useServerProblems([
    { prefix: '', form: adding, item: fieldsNamed(['email', 'name', 'password', 'membership.role']) },
  ]);
  const grantProblems = useServerProblems([
    { prefix: '', form: granting, item: fieldsNamed(['email', 'role']) },
  ]);
  const addRole = async (grant: { email: string; role: string }) => {
    setFailure(null);
    try {
      await api('POST', `/units/${unit!.unitId}/memberships`, grant);
      granting.resetFields();
      reloadMembers();
    } catch (err) {
      placeOrSay(err, grantProblems, setFailure);
    }
  };
  if (!unit) return null;
  const importCsv = async ({ csv }: { csv: string }) => {
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
  const addPerson = async (person: Person) => {
    setFailure(null);
    try {
      const body: NewUser = {
        email: person.email,
        name: person.name,
        password: person.password,
        membership: { unitId: unit.unitId, role: person.role },
      };
      await api<UserDetail>('POST', '/users', body);
      adding.resetFields();
      reloadMembers();
    } catch (err) {
      placeOrSay(err, personProblems, setFailure);
    }
  };
  const units = tree?.items ?? [];
  const needed = neededIn(t);
  return (
    <div className="grid">
      <section className="card" aria-labelledby="org-tree">
        <h1 id="org-tree">{t('organisation')}</h1>
        <Problem text={treeError} />
        <div data-testid="units">
          <Tree
            aria-label={t('unitTree')}
            selectable={false}
            showLine
            treeData={unitTree(units, (u) => (
              <>
                <span>{u.name}</span>{' '}
                <span className="rollup">
                  {u.code} · {say(UNIT_KIND, u.kind)}
                </span>
              </>
            ))}
            expandedKeys={units.map((u) => u.id).filter((id) => !closed.has(id))}
            onExpand={(_, { node, expanded }) => {
              const next = new Set(closed);
              if (expanded) next.delete(node.key);
              else next.add(node.key);
              setClosed(next);
            }}
          />
        </div>
        <Button onClick={() => void exportCsv()}>{t('exportCsv')}</Button>
        <Form form={importing} name="units-import" layout="vertical" onFinish={(v) => void importCsv(v)}>
          <Form.Item label={t('importCsv')} name="csv" rules={[needed]}>
            <Input.TextArea rows={5} placeholder="code,name,kind,parentCode" />
          </Form.Item>
          <Button htmlType="submit">{t('importUnits')}</Button>
        </Form>
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
        <Form
          form={adding}
          name="add-person"
          layout="vertical"
          aria-label={t('addPerson')}
          initialValues={{ role: 'clerk' }}
          onFinish={(v) => void addPerson(v)}
        >
          <h3>{t('addPerson')}</h3>
          <Form.Item
            label={t('email')}
            name="email"
            rules={[needed, { type: 'email', message: t('emailRule') }]}
          >
            <Input type="email" />
          </Form.Item>
          <Form.Item label={t('name')} name="name" rules={[needed]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[needed]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item label={t('role')} name="role">
            <RoleSelect />
          </Form.Item>
          <Button htmlType="submit">{t('addPerson')}</Button>
        </Form>
        <Form
          form={granting}
          name="add-role"
          layout="vertical"
          aria-label={t('addRole')}
          initialValues={{ role: 'clerk' }}
          onFinish={(v) => void addRole(v)}
        >
          <h3>{t('addRole')}</h3>
          <Form.Item
            label={t('email')}
            name="email"
            rules={[needed, { type: 'email', message: t('emailRule') }]}
          >
            <Input type="email" />
          </Form.Item>
          <Form.Item label={t('role')} name="role">
            <RoleSelect />
          </Form.Item>
          <Button htmlType="submit">{t('addRole')}</Button>
        </Form>
      </section>
      <ReviewChain unitId={unit.unitId} />
      <Problem text={failure} />
    </div>
  );
}
