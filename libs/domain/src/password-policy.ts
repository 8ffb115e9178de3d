const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'matkhau123',
  'admin12345',
  'abc123456',
  '11111111111',
]);

/**
 * Problems with a password, empty when acceptable: at least 10 characters and three kinds of character (lower,
 * upper, digit, other), or a passphrase of 16 or more; not a common password; not containing the e-mail's name.
 */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('must be at least 10 characters');
  if (password.length > 200) problems.push('must be at most 200 characters');
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
  if (password.length < 16 && kinds < 3) {
    problems.push('must mix three of: lower case, upper case, digits, symbols (or be 16+ characters)');
  }
  if (COMMON.has(password.toLowerCase())) problems.push('is too common');
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && password.toLowerCase().includes(local)) {
    problems.push('must not contain the e-mail address');
  }
  return problems;
}
