/**
 * Vietnamese text as it arrives from e-office systems, e-mail and web pages: NFD or NFC, tabs, non-breaking and
 * zero-width spaces. Everything that compares or stores names goes through these functions first.
 */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const HORIZONTAL_SPACE = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

/** NFC, no zero-width characters, every horizontal space a plain space, runs of spaces collapsed, trimmed. */
export function normalizeText(input: string): string {
  return input
    .normalize('NFC')
    .replace(ZERO_WIDTH, '')
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Accent-insensitive, case-insensitive key for search: "Liên đoàn Lao động" → "lien doan lao dong". */
export function foldVietnamese(input: string): string {
  return normalizeText(input)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}
