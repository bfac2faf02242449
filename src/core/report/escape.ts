import { oneLine } from '../present/text';

/**
 * Machine formats (JSON, SARIF, JUnit XML) keep server and file text exactly, but may be printed
 * on a terminal. Their own escaping covers ASCII controls (mostly); this writes every other
 * character that `oneLine` would not keep as it is (DEL, C1 controls, bidi marks and overrides,
 * Unicode line separators and spaces) as the format's escape, so the printed text is inert and a
 * parser still reads the same data.
 */
export function escapeActive(text: string, encode: (codeUnit: number) => string): string {
  return text.replace(activeChars(), (c) => encode(c.charCodeAt(0)));
}

let active: RegExp | undefined;

/**
 * The characters from U+007F up that `oneLine` changes, found by asking it once about each one
 * (surrogate halves excepted), so this follows oneLine's rule instead of keeping a second list.
 */
function activeChars(): RegExp {
  if (!active) {
    let cls = '';
    for (let u = 0x7f; u <= 0xffff; u++) {
      if (u >= 0xd800 && u <= 0xdfff) continue;
      const c = String.fromCharCode(u);
      if (oneLine(c) !== c) cls += `\\u${u.toString(16).padStart(4, '0')}`;
    }
    active = new RegExp(`[${cls}]`, 'g');
  }
  return active;
}
