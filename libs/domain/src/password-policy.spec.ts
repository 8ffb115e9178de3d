import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it.each(['Công-đoàn-2024', 'Tr0ng.Sang!!', 'mot cau rat dai de nho'])('accepts %s', (pw) => {
    expect(passwordProblems(pw, { email: 'van.thu@lienminh.vn' })).toEqual([]);
  });

  it.each([
    ['short', 'must be at least 10 characters'],
    ['lowercase12', 'must mix three of'],
    ['Password123', 'is too common'],
    ['Van.thu-2024!', 'must not contain the e-mail address'],
  ])('rejects %s: %s', (pw, problem) => {
    expect(passwordProblems(pw, { email: 'van.thu@lienminh.vn' }).join(' ')).toContain(problem);
  });
});
