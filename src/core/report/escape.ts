import { oneLine } from '../present/text';

/**
 * Machine formats (JSON, SARIF, JUnit XML) keep server and file text exactly, but may be printed
 * on a terminal. Their own escaping covers ASCII controls (mostly); this writes every other
 * character that `oneLine` would not keep as it is (DEL, C1 controls, bidi marks and overrides,
 * Unicode line separators and spaces) as the format's escape, so the printed text is inert and a
 * parser still reads the same data. The rule is `oneLine`'s, not a second list of characters.
 */
export function escapeActive(text: string, encode: (codeUnit: number) => string): string {
  return text.replace(/[\u007f-\uffff]/g, (c) => (isActive(c) ? encode(c.charCodeAt(0)) : c));
}

const seen = new Map<string, boolean>();

function isActive(c: string): boolean {
  let active = seen.get(c);
  if (active === undefined) {
    active = oneLine(c) !== c;
    seen.set(c, active);
  }
  return active;
}
