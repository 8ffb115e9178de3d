import { readFileSync } from 'node:fs';

/**
 * The typeface of the official document: Tinos (Google's metric-compatible Times New Roman, SIL OFL 1.1), whose TTF
 * files the npm package @expo-google-fonts/tinos ships complete (all Vietnamese letters and tones, U+1EA0–U+1EF9),
 * read from node_modules and embedded in every PDF: nothing is downloaded at run time. The DOCX names
 * "Times New Roman" itself, which Word substitutes with Tinos where it is absent.
 */
export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

const FILES: Record<FontStyle, string> = {
  regular: '@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf',
  bold: '@expo-google-fonts/tinos/700Bold/Tinos_700Bold.ttf',
  italic: '@expo-google-fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf',
};

export const FONT_STYLES = Object.keys(FILES) as FontStyle[];

/** The family the DOCX names (Decree 30, appendix I: Times New Roman, Unicode per TCVN 6909:2001). */
export const DOCX_FONT_FAMILY = 'Times New Roman';

const cache = new Map<FontStyle, Buffer>();

/** The TTF of one style, read once per process. */
export function officialFont(style: FontStyle): Buffer {
  let data = cache.get(style);
  if (!data) {
    data = readFileSync(require.resolve(FILES[style]));
    cache.set(style, data);
  }
  return data;
}
