import { canTransition, transition } from './probe';

describe('probe status transitions', () => {
  it('moves started → recorded → finished', () => {
    expect(transition(transition('started', 'recorded'), 'finished')).toBe('finished');
  });

  it.each([
    ['started', 'finished'],
    ['recorded', 'started'],
    ['finished', 'recorded'],
    ['finished', 'finished'],
  ] as const)('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => transition(from, to)).toThrow(`probe cannot move from ${from} to ${to}`);
  });
});
