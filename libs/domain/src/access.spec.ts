import { decide, viewScope, type Principal } from './access';
import { ROLES, type Role } from './organisation';

// R → A → A1; R → B; X (another root)
const R = ['r'];
const A = ['r', 'a'];
const A1 = ['r', 'a', 'a1'];
const B = ['r', 'b'];
const X = ['x'];
const TARGETS = { self: A, parent: R, child: A1, sibling: B, unrelated: X } as const;

const at = (role: Role, unitPath = A): Principal => ({ systemAdmin: false, grants: [{ role, unitPath }] });

describe('decide', () => {
  const expected: Record<
    Role,
    Record<keyof typeof TARGETS, { view: string; manage: string; audit: string; report: string }>
  > = {
    admin: {
      self: { view: 'allow', manage: 'allow', audit: 'allow', report: 'forbidden' },
      child: { view: 'allow', manage: 'allow', audit: 'allow', report: 'forbidden' },
      parent: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      sibling: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      unrelated: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
    },
    clerk: {
      self: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'allow' },
      child: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'forbidden' },
      parent: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      sibling: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      unrelated: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
    },
    leader: {
      self: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'forbidden' },
      child: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'forbidden' },
      parent: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      sibling: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      unrelated: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
    },
    specialist: {
      self: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'allow' },
      child: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      parent: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      sibling: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      unrelated: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
    },
    auditor: {
      self: { view: 'allow', manage: 'forbidden', audit: 'allow', report: 'forbidden' },
      child: { view: 'allow', manage: 'forbidden', audit: 'allow', report: 'forbidden' },
      parent: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      sibling: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      unrelated: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
    },
    connector: {
      self: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'allow' },
      child: { view: 'allow', manage: 'forbidden', audit: 'forbidden', report: 'allow' },
      parent: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      sibling: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
      unrelated: { view: 'hidden', manage: 'hidden', audit: 'hidden', report: 'hidden' },
    },
  };

  for (const role of ROLES) {
    for (const [relation, target] of Object.entries(TARGETS) as [keyof typeof TARGETS, readonly string[]][]) {
      it(`${role} at A → ${relation}`, () => {
        const p = at(role);
        expect({
          view: decide(p, 'view', target),
          manage: decide(p, 'manage', target),
          audit: decide(p, 'audit', target),
          report: decide(p, 'report', target),
        }).toEqual(expected[role][relation]);
      });
    }
  }

  it('never lets a connector sign, review, draft, register or manage, even below its unit', () => {
    for (const capability of ['sign', 'review', 'draft', 'register', 'manage', 'audit'] as const)
      expect(decide(at('connector'), capability, A1)).toBe('forbidden');
  });

  it('lets a system administrator do anything anywhere', () => {
    const root: Principal = { systemAdmin: true, grants: [] };
    for (const target of Object.values(TARGETS)) expect(decide(root, 'manage', target)).toBe('allow');
  });

  it('does not confuse a unit with another whose id it prefixes', () => {
    expect(decide(at('admin', ['r', 'a']), 'view', ['r', 'ab'])).toBe('hidden');
  });

  it('combines grants: the widest one wins', () => {
    const p: Principal = {
      systemAdmin: false,
      grants: [
        { role: 'specialist', unitPath: A1 },
        { role: 'auditor', unitPath: A },
      ],
    };
    expect(decide(p, 'report', A1)).toBe('allow');
    expect(decide(p, 'audit', A1)).toBe('allow');
    expect(decide(p, 'manage', A1)).toBe('forbidden');
  });
});

describe('viewScope', () => {
  it('lists subtrees for subtree roles and single units for specialists', () => {
    const p: Principal = {
      systemAdmin: false,
      grants: [
        { role: 'clerk', unitPath: A },
        { role: 'specialist', unitPath: B },
      ],
    };
    expect(viewScope(p)).toEqual({ all: false, subtrees: [A], units: ['b'] });
    expect(viewScope({ systemAdmin: true, grants: [] }).all).toBe(true);
  });
});
