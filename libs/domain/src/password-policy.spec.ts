import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it.each(['Công-đoàn-2024', 'Tr0ng.Sang!!', 'mot cau rat dai de nho'])('accepts %s', (pw) => {
    expect(passwordProblems(pw, { email: 'van.thu@lienminh.vn' })).toEqual([]);
  });

  it.each([
    ['short', 'must be at least 10 characters'],
    ['lowercase12', 'must mix three of'],
    ['Password123', 'is too common'],
    ['Qwertyuiop1!', 'is too common'],
    ['Sunshine2024!', 'is too common'],
    ['Matkhau@2024', 'is too common'],
    ['1q2w3e4r5t6y', 'is too common'],
    ['Basketball', 'is too common'],
    ['Van.thu-2024!', 'must not contain the e-mail address'],
  ])('rejects %s: %s', (pw, problem) => {
    expect(passwordProblems(pw, { email: 'van.thu@lienminh.vn' }).join(' ')).toContain(problem);
  });
});

describe('the list of common passwords', () => {
  it('is a real list, not a handful', () => {
    const common = ['iloveyou1234', 'Football2024', 'Princess-99', 'Welcome@123', 'Dragon12345'];
    for (const pw of common) expect(passwordProblems(pw)).toContain('is too common');
  });
});
