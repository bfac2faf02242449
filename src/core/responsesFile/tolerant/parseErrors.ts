/**
 * What each of jsonc-parser's errors means, as syntax issues a person can act on (SyntaxKind),
 * each at its exact place; cascades are left out, and the mistakes that would make jsonc-parser
 * lose its place are noted for repair (see Repair).
 */
import { printParseErrorCode, type ParseErrorCode } from 'jsonc-parser';
import { BARE_WORD, nextToken, SINGLE_QUOTED, stringIssues } from './lexical';
import type { Frame, PathHint, Repair, SyntaxIssue, SyntaxKind } from './types';

/** What the error handling needs of the reading in progress (Reader). */
export interface ReadingState {
  readonly text: string;
  readonly frames: readonly Frame[];
  readonly rootDone: boolean;
  readonly commaAt: number;
  /** The container that ended last. */
  readonly ended: Frame | undefined;
  panic: boolean;
  lastErrorAt: number;
  tokenErrorAt: number;
  misclosed: boolean;
  endReported: boolean;
  quotedUntil: number;
  top(): Frame | undefined;
  path(extra?: number): (string | number)[];
  isKey(s: number, end: number): boolean;
  tokenError(kind: SyntaxKind, offset: number, length: number, p?: PathHint): SyntaxIssue | undefined;
  parserError(issue: Omit<SyntaxIssue, 'path'>, at: number, p?: (string | number)[]): SyntaxIssue | undefined;
  settle(o: number): void;
  skipsFrom(o: number): void;
  repair(r: Repair): void;
}

/** jsonc-parser's error `code` at [offset, offset + length) of the text. */
export function onParseError(r: ReadingState, code: ParseErrorCode, offset: number, length: number): void {
  const name = printParseErrorCode(code);
  switch (name) {
    case 'InvalidSymbol':
      return invalidSymbol(r, offset, length);
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      r.tokenError('invalid-number', offset, length, 1);
      return;
    case 'UnexpectedEndOfString':
    case 'InvalidUnicode':
    case 'InvalidEscapeCharacter':
    case 'InvalidCharacter': {
      const inArray = r.top()?.kind === 'array' ? 1 : undefined;
      const found = stringIssues(r.text, offset, offset + length);
      if (!found.length) found.push({ kind: 'other', offset, length });
      for (const e of found) r.tokenError(e.kind, e.offset, e.length, inArray);
      r.tokenErrorAt = offset;
      return;
    }
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment': {
      const text = r.text;
      const closedComment = text.startsWith('//', offset) || (length >= 4 && text.startsWith('*/', offset + length - 2));
      r.tokenError(closedComment ? 'comment' : 'unterminated-comment', offset, length);
      return;
    }
    case 'PropertyNameExpected':
    case 'ValueExpected':
    case 'CommaExpected':
      return expected(r, name, offset, length);
    case 'ColonExpected':
      return colonExpected(r, offset, length);
    case 'CloseBraceExpected':
    case 'CloseBracketExpected': {
      const g = r.ended;
      if (r.misclosed || !g) {
        r.panic = true;
        return;
      }
      // Reported after the container ended, so its path is that of its parent plus its own place.
      const p = r.path();
      if (g.seg !== undefined) p.push(g.seg);
      r.parserError({ kind: 'unclosed', offset: g.start, length: 1, container: g.kind, openedAt: g.start }, offset, p);
      return;
    }
    case 'EndOfFileExpected':
      if (!r.endReported) r.parserError({ kind: 'end-expected', offset, length }, offset, []);
      r.endReported = true;
      return;
    default:
      r.parserError({ kind: 'other', offset, length }, offset);
  }
}

/** A token that is not JSON, skipped by the parser: a stray byte order mark, a bare word, a single-quoted string, … */
function invalidSymbol(r: ReadingState, offset: number, length: number): void {
  const text = r.text;
  const f = r.top();
  let s = offset;
  const end = offset + length;
  if (offset < r.quotedUntil) {
    // a word of a single-quoted string already reported
    r.tokenError('single-quotes', offset, length);
    return;
  }
  for (; s < end && text.charCodeAt(s) === 0xfeff; s++) r.tokenError('bom', s, 1);
  if (s >= end) return;
  let token = text.slice(s, end);
  // jsonc-parser reads up to the next space or bracket: characters that cannot start anything
  // are reported on their own, and a number or literal glued to them is not an error of its own
  const junk = /^[^\p{L}\p{N}_$'+\-.]+/u.exec(token)?.[0].length ?? 0;
  if (junk && !(r.rootDone && !f)) {
    r.tokenError('unexpected-char', s, junk);
    s += junk;
    token = token.slice(junk);
    if (!token || /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(token)) return;
  }
  if (r.rootDone && !f) {
    if (!r.endReported) r.tokenError('end-expected', s, end - s, []);
    r.endReported = true;
  } else if (token.charCodeAt(0) === 39) {
    // the whole single-quoted string, which jsonc-parser may read as several tokens
    SINGLE_QUOTED.lastIndex = s;
    const q = SINGLE_QUOTED.exec(text) ? SINGLE_QUOTED.lastIndex : end;
    const issue = r.tokenError('single-quotes', s, q - s);
    r.quotedUntil = Math.max(r.quotedUntil, q);
    if (issue && q - s >= 2 && text.charCodeAt(q - 1) === 39 && !/["\\]/.test(text.slice(s + 1, q - 1)) && r.isKey(s, q)) {
      r.repair({ at: s, remove: 1, insert: '"', issue });
      r.repair({ at: q - 1, remove: 1, insert: '"' });
    }
  } else if (BARE_WORD.test(token)) {
    const issue = r.tokenError('bad-word', s, end - s);
    if (issue && r.isKey(s, end)) {
      r.repair({ at: s, remove: 0, insert: '"', issue });
      r.repair({ at: end, remove: 0, insert: '"' });
    }
  } else if (/^[-+.\d]/.test(token)) r.tokenError('invalid-number', s, end - s);
  else r.tokenError('unexpected-char', s, end - s);
}

/** A property name, value or comma expected at `offset`. */
function expected(r: ReadingState, name: 'PropertyNameExpected' | 'ValueExpected' | 'CommaExpected', offset: number, length: number): void {
  const text = r.text;
  const f = r.top();
  const c = text.charCodeAt(offset);
  const closer = c === 125 ? 'object' : c === 93 ? 'array' : undefined;
  r.settle(offset);
  // (after all of these but a missing comma, jsonc-parser skips tokens from here: noted at the end)
  if (closer && f?.kind === closer && name !== 'CommaExpected') {
    if (r.commaAt >= 0) r.parserError({ kind: 'trailing-comma', offset: r.commaAt, length: 1 }, offset);
    else r.parserError({ kind: name === 'ValueExpected' ? 'value-expected' : 'property-name-expected', offset, length, key: f.key }, offset);
  } else if (closer) wrongCloser(r, closer, offset);
  else if (name === 'CommaExpected' && c >= 48 && c <= 57 && /[0-9]/.test(text.charAt(offset - 1))) {
    // two numbers with nothing between: a number with a leading zero, such as 01
    let s = offset;
    while (s > 0 && /[-0-9.eE+]/.test(text.charAt(s - 1))) s--;
    let e = offset;
    while (e < text.length && /[-0-9.eE+]/.test(text.charAt(e))) e++;
    r.tokenError('invalid-number', s, e - s, 0);
  } else if (offset >= text.length && f) {
    // at the end of the text: what is still open is reported next, at its opening bracket
    r.lastErrorAt = Math.max(r.lastErrorAt, offset);
  } else if (name === 'CommaExpected') r.parserError({ kind: 'comma-expected', offset, length, container: f?.kind ?? 'array' }, offset);
  else if (name === 'ValueExpected' && f?.kind !== 'object') stray(r, r.parserError({ kind: 'value-expected', offset, length }, offset), offset);
  else if (name === 'ValueExpected' && f?.key !== undefined) stray(r, r.parserError({ kind: 'value-expected', offset, length, key: f.key }, offset), offset);
  else stray(r, r.parserError({ kind: 'property-name-expected', offset, length }, offset), offset);
  if (name !== 'CommaExpected' && f) r.skipsFrom(offset); // (at the root, reading ends here)
}

function colonExpected(r: ReadingState, offset: number, length: number): void {
  const f = r.top();
  r.settle(offset);
  if (offset >= r.text.length && f) {
    r.lastErrorAt = Math.max(r.lastErrorAt, offset);
    return;
  }
  const issue = r.parserError({ kind: 'colon-expected', offset, length, key: f?.key }, offset);
  // A value right after the name: read it as the member's value next time.
  if (issue && /^(?:[{["\d-]|true|false|null)/.test(r.text.slice(offset, offset + 5))) r.repair({ at: offset, remove: 0, insert: ':', issue });
  r.skipsFrom(offset);
}

/** A closer where the innermost container (if any) is of the other kind. */
function wrongCloser(r: ReadingState, kind: 'object' | 'array', offset: number): void {
  r.misclosed = true;
  const frames = r.frames;
  const f = r.top();
  let k = frames.length - 2;
  while (k >= 0 && (frames[k] as Frame).kind !== kind) k--;
  if (f && k >= 0) {
    const issue = r.parserError({ kind: 'mismatched-close', offset, length: 1, container: f.kind, openedAt: f.start }, offset);
    if (!issue) return;
    // It closes the enclosing container of its kind: the closers of what is open inside that are missing.
    let closers = '';
    for (let j = frames.length - 1; j > k; j--) closers += (frames[j] as Frame).kind === 'object' ? '}' : ']';
    r.repair({ at: offset, remove: 0, insert: closers, issue });
  } else if (f && nextToken(r.text, offset + 1) >= r.text.length) {
    // The last thing in the text: a typo for the closer of what is open.
    const issue = r.parserError({ kind: 'mismatched-close', offset, length: 1, container: f.kind, openedAt: f.start }, offset);
    if (issue) r.repair({ at: offset, remove: 1, insert: f.kind === 'object' ? '}' : ']', issue });
  } else {
    const issue = r.parserError({ kind: 'unexpected-close', offset, length: 1 }, offset);
    if (issue) r.repair({ at: offset, remove: 1, insert: ' ', issue });
  }
}

/** A token where a member name or a value belongs that cannot be either: blanked, when it is one jsonc-parser would skip past. */
function stray(r: ReadingState, issue: SyntaxIssue | undefined, offset: number): void {
  if (!issue) return;
  const text = r.text;
  const c = text.charCodeAt(offset);
  let end = offset;
  if (c === 58) {
    // a ":" right after "{" or ",": a member with no name (after a name, even a broken one, it is that member's)
    const before = text.slice(0, offset).trimEnd();
    if (before && !before.endsWith('{') && !before.endsWith(',')) return;
    end = offset + 1;
  } else if (/[-0-9]/.test(text.charAt(offset))) {
    end = offset + 1;
    while (/[-0-9.eE+]/.test(text.charAt(end))) end++;
  } else {
    const word = /^(?:true|false|null)/.exec(text.slice(offset, offset + 5));
    if (!word) return;
    end = offset + word[0].length;
  }
  r.repair({ at: offset, remove: end - offset, insert: ' '.repeat(end - offset), issue });
}
