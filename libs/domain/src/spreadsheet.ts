/**
 * A text cell that a spreadsheet would run as a formula — one that begins with `=`, `+`, `-`, `@`, a tab or a
 * carriage return (OWASP, "CSV injection") — made inert with a leading apostrophe, which Excel and LibreOffice show
 * as text and do not display. Numbers, booleans and every other text pass unchanged, so a report's `-2` stays a
 * number; its text `-2+3` becomes `'-2+3`.
 */
export function inertCell<T>(value: T): T | string {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
