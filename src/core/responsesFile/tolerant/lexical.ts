/** Small scans of raw text for the tolerant reader: tokens, bracket balance, the problems inside a string. */
import type { SyntaxKind } from './types';

const QUOTE_CODE = 34;
const BACKSLASH_CODE = 92;

/** Offset of the first character at or after `i` that is not JSON whitespace. */
export function nextToken(text: string, i: number): number {
  while (i < text.length && /[ \t\r\n]/.test(text.charAt(i))) i++;
  return i;
}

/** Opening minus closing brackets in [from, to), outside strings (which end at a line break, as jsonc-parser ends them). */
export function netDepth(text: string, from: number, to: number): number {
  let inString = false;
  let net = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH_CODE) i++;
      else if (c === QUOTE_CODE || c === 10 || c === 13) inString = false;
    } else if (c === QUOTE_CODE) inString = true;
    else if (c === 123 || c === 91) net++;
    else if (c === 125 || c === 93) net--;
  }
  return net;
}


/** A word that could be a property name or value someone forgot to quote. */
export const BARE_WORD = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** A single-quoted string, up to its closing quote or the end of the line. */
export const SINGLE_QUOTED = /'(?:[^'\\\r\n]|\\.)*'?/y;

/** The problems inside the string token at [start, end), each at its place (jsonc-parser names only the last, at the token's start). */
export function stringIssues(text: string, start: number, end: number): { kind: SyntaxKind; offset: number; length: number }[] {
  const out: { kind: SyntaxKind; offset: number; length: number }[] = [];
  let i = start + 1;
  for (;;) {
    if (i >= end) {
      out.push({ kind: 'unterminated-string', offset: start, length: end - start });
      return out;
    }
    const c = text.charCodeAt(i);
    if (c === QUOTE_CODE) return out;
    if (c === BACKSLASH_CODE) {
      const e = text.charCodeAt(i + 1);
      if (i + 1 >= end) i++;
      else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
      else if (e === 117) {
        let k = 0;
        while (k < 4 && i + 2 + k < end && /[0-9a-fA-F]/.test(text.charAt(i + 2 + k))) k++;
        if (k < 4) out.push({ kind: 'invalid-unicode', offset: i, length: 2 + k });
        i += 2 + k;
      } else {
        out.push({ kind: 'invalid-escape', offset: i, length: e >= 0xd800 && e <= 0xdbff && i + 2 < end ? 3 : 2 });
        i += 2;
      }
    } else {
      if (c < 0x20) out.push({ kind: 'control-char', offset: i, length: 1 });
      i++;
    }
  }
}
