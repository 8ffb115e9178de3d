/**
 * Demo data, loaded through the public API as the bootstrap administrator, with fixed idempotency keys so that
 * running it twice changes nothing: the demo hierarchy (infra/demo/hierarchy.json), extra report targets and demo
 * users (infra/demo/people.json, password CASCADE_DEMO_PASSWORD), and a wiring probe.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, ok } from './demo-api';

const DEMO = join(__dirname, '..', '..', '..', 'infra', 'demo');

async function main(): Promise<void> {
  const email = process.env.CASCADE_ADMIN_EMAIL;
  const password = process.env.CASCADE_ADMIN_PASSWORD;
  const demoPassword = process.env.CASCADE_DEMO_PASSWORD;
  if (!email || !password || !demoPassword) {
    throw new Error('CASCADE_ADMIN_EMAIL, CASCADE_ADMIN_PASSWORD and CASCADE_DEMO_PASSWORD are required');
  }
  const login = ok(await call('POST', '/auth/login', null, { email, password }), 'login') as {
    accessToken: string;
  };
  const token = login.accessToken;

  const raw = readFileSync(join(DEMO, 'hierarchy.json'), 'utf8');
  const hierarchy = JSON.parse(raw) as { units: unknown[] };
  // The key follows the content: the same file replays, an edited one imports again (an upsert by code).
  const key = `demo-hierarchy-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  const imported = ok(await call('POST', '/units/import', token, hierarchy, key), 'import') as {
    created: unknown[];
    updated: unknown[];
    rejected: unknown[];
  };
  if (imported.rejected.length)
    throw new Error(`demo hierarchy rows rejected: ${JSON.stringify(imported.rejected)}`);
  console.log(`demo hierarchy: ${hierarchy.units.length} units (${imported.created.length} created)`);

  const ids = new Map<string, string>();
  const idOf = async (code: string): Promise<string> => {
    if (!ids.has(code)) {
      const page = ok(
        await call('GET', `/units?code=${encodeURIComponent(code)}`, token),
        `unit ${code}`,
      ) as {
        items: { id: string }[];
      };
      if (!page.items.length) throw new Error(`demo unit ${code} not found`);
      ids.set(code, page.items[0].id);
    }
    return ids.get(code)!;
  };

  const people = JSON.parse(readFileSync(join(DEMO, 'people.json'), 'utf8')) as {
    reportTargets: { unitCode: string; targets: unknown[] }[];
    users: {
      email: string;
      name: string;
      unitCode: string;
      role: string;
      authority?: string;
      position?: string;
    }[];
  };
  for (const link of people.reportTargets) {
    ok(
      await call('PUT', `/units/${await idOf(link.unitCode)}/report-targets`, token, {
        targets: link.targets,
      }),
      'report targets',
    );
  }
  for (const user of people.users) {
    const membership = {
      unitId: await idOf(user.unitCode),
      role: user.role,
      ...(user.authority ? { authority: user.authority } : {}),
      ...(user.position ? { position: user.position } : {}),
    };
    ok(
      await call(
        'POST',
        '/users',
        token,
        { email: user.email, name: user.name, password: demoPassword, membership },
        `demo-user-${user.email.replace(/[^A-Za-z0-9._-]/g, '_')}`,
      ),
      `user ${user.email}`,
      [409], // created by an earlier version of the demo data
    );
  }
  console.log(`demo users: ${people.users.length} (password in .data/secrets.env: CASCADE_DEMO_PASSWORD)`);

  const probe = ok(
    await call(
      'POST',
      '/probes',
      token,
      { message: 'Cascade demo: hệ thống đã sẵn sàng' },
      'demo-probe-0001',
    ),
    'probe',
  ) as { id: string; status: string };
  console.log(`demo probe ${probe.id} (${probe.status})`);
}

main().catch((error: Error) => {
  console.error(`demo data failed: ${error.message}`);
  process.exitCode = 1;
});
