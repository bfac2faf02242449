import { ACTIVE_ABOVE_ASCII } from '../present/text';

/**
 * Machine formats (JSON, SARIF, JUnit XML) keep server and file text exactly, but may be printed
 * on a terminal. Their own escaping covers ASCII controls (mostly); this writes every other
 * character that `oneLine` would not keep as it is (DEL, C1 controls, bidi marks and overrides,
 * Unicode line separators and spaces) as the format's escape, so the printed text is inert and a
 * parser still reads the same data.
 */
export function escapeActive(text: string, encode: (codeUnit: number) => string): string {
  return text.replace(ACTIVE_ABOVE_ASCII, (c) => encode(c.charCodeAt(0)));
}
