/** One reading of possibly invalid JSON by jsonc-parser's error-tolerant parser, its errors turned into syntax issues. */
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import { JSON_OPTIONS } from '../locate';
import { BARE_WORD, netDepth, nextToken, SINGLE_QUOTED, stringIssues } from './lexical';
import type { Repair, SyntaxIssue, SyntaxKind, TolerantItem, TolerantRead } from './types';

/** A container being read. */
interface Frame {
  kind: 'object' | 'array';
  start: number;
  /** This container's place in its parent (member name or index); undefined for the root. */
  seg: string | number | undefined;
  /** Objects: the name of the member being read, until its value ends. */
  key: string | undefined;
  keyStart: number;
  keyEnd: number;
  /** Objects: the member being read has a value. */
  hasValue: boolean;
  /** Arrays: index of the last element begun. */
  index: number;
  errorsAtStart: number;
  /** The item recorded for this container, if it is one. */
  item: TolerantItem | undefined;
  /** Whether its members or elements are recorded as items. */
  records: boolean;
}

const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * One reading of `src` (the text, or the text with repairs) by jsonc-parser. Offsets it gives are
 * mapped to `text` with `toText`; everything reported is about `text`. The repair for the first
 * mistake that makes jsonc-parser lose its place is added to `repairs` (when given).
 */
export function readPass(text: string, src: string, toText: (x: number) => number, maxIssues: number, maxDepth: number, repairs: Repair[] | null): TolerantRead {
  const frames: Frame[] = [];
  const issues: SyntaxIssue[] = [];
  let root: TolerantItem | null = null;
  let rootDone = false;
  let errorCount = 0;
  let reportable = 0;
  let tooDeepAt = -1;
  /** An error was reported and no token has been read since: the next parser error is a cascade. */
  let panic = false;
  let lastErrorAt = -1;
  /** Offset of a "," that is the last token read, else -1 (a closer right after it is a trailing comma). */
  let commaAt = -1;
  /** Offset of the last token with an error of its own: a value read from it is broken. */
  let tokenErrorAt = -1;
  /** A closer of the wrong kind was met; jsonc-parser skips it, so containers left open at the end are cascades. */
  let misclosed = false;
  /** Text after the root value was reported. */
  let endReported = false;
  /** End of a single-quoted string already reported: errors inside it are cascades. */
  let quotedUntil = -1;
  /** The container that ended last (for "never closed", which jsonc-parser reports after ending it). */
  let ended: Frame | undefined;
  /** Where jsonc-parser started skipping tokens after an error (-1 when it is not). */
  let skipFrom = -1;
  /**
   * Brackets it skipped, opening minus closing: while not 0 it reads at the wrong level, so
   * nothing is recorded, and what it finds still open at the end is a cascade.
   */
  let drift = 0;
  let lost = false;
  /** Repairs for the error just met; kept only if the skip after it loses jsonc-parser its place. */
  const pending: Repair[] = [];
  let repaired = false;

  /** The skip that began at skipFrom ended at `o`. */
  const settle = (o: number): void => {
    if (skipFrom < 0) return;
    const net = netDepth(text, skipFrom, o);
    if (net !== 0 && drift === 0) commit();
    drift += net;
    lost = drift !== 0;
    if (lost) misclosed = true;
    skipFrom = -1;
    pending.length = 0;
  };
  const commit = (): void => {
    if (repairs && pending.length && !repaired) {
      repairs.push(...pending);
      repaired = true;
    }
  };
  const skipsFrom = (o: number): void => {
    if (skipFrom < 0) skipFrom = o;
  };
  /** Note a repair for the error just met (not for errors met while skipping). */
  const repair = (r: Repair): void => {
    if (repairs && !lost && !repaired && skipFrom < 0) pending.push(r);
  };

  const top = (): Frame | undefined => frames[frames.length - 1];
  const readToken = (offset: number): void => {
    settle(offset);
    pending.length = 0; // a token read: no skip followed the error, nothing to repair
    if (offset > lastErrorAt) panic = false;
    commaAt = -1;
  };
  const path = (extra?: number): (string | number)[] => {
    const out: (string | number)[] = [];
    for (let k = 1; k < frames.length; k++) {
      const seg = (frames[k] as Frame).seg;
      if (seg !== undefined) out.push(seg);
    }
    const f = top();
    if (f?.kind === 'object' && f.key !== undefined) out.push(f.key);
    if (extra !== undefined && f?.kind === 'array') out.push(f.index + extra);
    return out;
  };
  /** Count an issue; keep it (with its path, worked out only then) when there is room. */
  const add = (issue: Omit<SyntaxIssue, 'path'>, p: (string | number)[] | number | undefined): SyntaxIssue => {
    reportable++;
    const full = issue as SyntaxIssue;
    if (issues.length < maxIssues) {
      full.path = Array.isArray(p) ? p : path(p);
      issues.push(full);
    }
    return full;
  };
  /**
   * An error in a token itself: always reported; the parser errors that follow are cascades until
   * a token is read. `p`: the path, or what path() needs to work it out.
   */
  const tokenError = (kind: SyntaxKind, offset: number, length: number, p?: (string | number)[] | number): SyntaxIssue | undefined => {
    panic = true;
    lastErrorAt = Math.max(lastErrorAt, offset);
    tokenErrorAt = offset;
    if (offset < quotedUntil) return undefined;
    return add({ kind, offset, length }, p);
  };
  /** An error in the structure: reported unless it is a cascade. */
  const parserError = (issue: Omit<SyntaxIssue, 'path'>, at: number, p?: (string | number)[]): SyntaxIssue | undefined => {
    const cascade = panic || at < quotedUntil;
    panic = true;
    lastErrorAt = Math.max(lastErrorAt, at);
    return cascade ? undefined : add(issue, p);
  };
  /** Whether the token [s, end) sits where a member name belongs and a ":" follows it. */
  const isKey = (s: number, end: number): boolean => {
    const f = top();
    return s < end && f?.kind === 'object' && f.key === undefined && text.charCodeAt(nextToken(text, end)) === 58;
  };

  /** Record a value beginning at `offset` in the current container (or as the root). */
  const begin = (kind: TolerantItem['kind'], offset: number, end: number): TolerantItem | undefined => {
    const f = top();
    if (f?.kind === 'array') f.index++;
    else if (f) f.hasValue = true;
    if (!f) {
      if (root) return undefined;
      return (root = { start: offset, end, kind, broken: false });
    }
    // Once the reader has lost its place, what it reads as members or elements may be parts of them.
    if (!f.records || lost) return undefined;
    const item: TolerantItem = { start: offset, end, kind, broken: false };
    if (f.kind === 'object') {
      item.key = f.key;
      item.keyStart = f.keyStart;
      item.keyEnd = f.keyEnd;
    }
    f.item?.items?.push(item);
    return item;
  };
  /**
   * A member of `f` that has a name but no value jsonc-parser could read: recorded as broken, so
   * that it counts as present (its name was given; the syntax error says what is wrong).
   */
  const noValue = (f: Frame | undefined): void => {
    if (!f || f.kind !== 'object' || f.key === undefined || f.hasValue) return;
    f.hasValue = true;
    if (f.records && !lost) f.item?.items?.push({ key: f.key, keyStart: f.keyStart, keyEnd: f.keyEnd, start: f.keyEnd, end: f.keyEnd, kind: 'scalar', broken: true });
  };
  /** A value ended in the current container (or at the root). */
  const valueDone = (): void => {
    const f = top();
    if (!f) rootDone = true;
    else if (f.kind === 'object') f.key = undefined;
  };
  const open = (kind: 'object' | 'array') => (offset: number) => {
    readToken(offset);
    const parent = top();
    const item = begin(kind, offset, offset + 1);
    const records = !parent || (frames.length === 1 && kind === 'array' && parent.kind === 'object' && parent.key === 'responses');
    if (records && item) item.items = [];
    frames.push({
      kind,
      start: offset,
      seg: parent ? (parent.kind === 'array' ? parent.index : parent.key) : undefined,
      key: undefined,
      keyStart: -1,
      keyEnd: -1,
      hasValue: false,
      index: -1,
      errorsAtStart: errorCount,
      item,
      records,
    });
    if (frames.length > maxDepth) {
      tooDeepAt = offset;
      throw TOO_DEEP;
    }
  };
  /** `closed`: at its closer; at the end of the text jsonc-parser ends what is still open, with no closer. */
  const close = (offset: number, length: number, closed: boolean): void => {
    settle(offset);
    if (closed) pending.length = 0;
    noValue(top());
    const f = frames.pop() as Frame;
    ended = f;
    if (closed) {
      panic = false;
      commaAt = -1;
    }
    if (f.item) {
      f.item.end = offset + length;
      f.item.broken = !closed || errorCount > f.errorsAtStart;
    }
    valueDone();
  };

  /** A closer where the innermost container (if any) is of the other kind. */
  const wrongCloser = (kind: 'object' | 'array', offset: number): void => {
    misclosed = true;
    const f = top();
    let k = frames.length - 2;
    while (k >= 0 && (frames[k] as Frame).kind !== kind) k--;
    if (f && k >= 0) {
      const issue = parserError({ kind: 'mismatched-close', offset, length: 1, container: f.kind, openedAt: f.start }, offset);
      if (!issue) return;
      // It closes the enclosing container of its kind: the closers of what is open inside that are missing.
      let closers = '';
      for (let j = frames.length - 1; j > k; j--) closers += (frames[j] as Frame).kind === 'object' ? '}' : ']';
      repair({ at: offset, remove: 0, insert: closers, issue });
    } else if (f && nextToken(text, offset + 1) >= text.length) {
      // The last thing in the text: a typo for the closer of what is open.
      const issue = parserError({ kind: 'mismatched-close', offset, length: 1, container: f.kind, openedAt: f.start }, offset);
      if (issue) repair({ at: offset, remove: 1, insert: f.kind === 'object' ? '}' : ']', issue });
    } else {
      const issue = parserError({ kind: 'unexpected-close', offset, length: 1 }, offset);
      if (issue) repair({ at: offset, remove: 1, insert: ' ', issue });
    }
  };
  /** A token where a member name or a value belongs that cannot be either: blanked, when it is one jsonc-parser would skip past. */
  const stray = (issue: SyntaxIssue | undefined, offset: number): void => {
    if (!issue) return;
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
    repair({ at: offset, remove: end - offset, insert: ' '.repeat(end - offset), issue });
  };

  const onError = (code: ParseErrorCode, offset: number, length: number): void => {
    errorCount++;
    const f = top();
    const c = text.charCodeAt(offset);
    const closer = c === 125 ? 'object' : c === 93 ? 'array' : undefined;
    const atEnd = offset >= text.length;
    const name = printParseErrorCode(code);
    switch (name) {
      case 'InvalidSymbol': {
        // A token that is not JSON, skipped by the parser: a stray byte order mark, a bare word, a single-quoted string, …
        let s = offset;
        const end = offset + length;
        if (offset < quotedUntil) {
          // a word of a single-quoted string already reported
          tokenError('single-quotes', offset, length);
          return;
        }
        for (; s < end && text.charCodeAt(s) === 0xfeff; s++) tokenError('bom', s, 1);
        if (s >= end) return;
        let token = text.slice(s, end);
        // jsonc-parser reads up to the next space or bracket: characters that cannot start anything
        // are reported on their own, and a number or literal glued to them is not an error of its own
        const junk = /^[^\p{L}\p{N}_$'+\-.]+/u.exec(token)?.[0].length ?? 0;
        if (junk && !(rootDone && !f)) {
          tokenError('unexpected-char', s, junk);
          s += junk;
          token = token.slice(junk);
          if (!token || /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(token)) return;
        }
        if (rootDone && !f) {
          if (!endReported) tokenError('end-expected', s, end - s, []);
          endReported = true;
        } else if (token.charCodeAt(0) === 39) {
          // the whole single-quoted string, which jsonc-parser may read as several tokens
          SINGLE_QUOTED.lastIndex = s;
          const q = SINGLE_QUOTED.exec(text) ? SINGLE_QUOTED.lastIndex : end;
          const issue = tokenError('single-quotes', s, q - s);
          quotedUntil = Math.max(quotedUntil, q);
          if (issue && q - s >= 2 && text.charCodeAt(q - 1) === 39 && !/["\\]/.test(text.slice(s + 1, q - 1)) && isKey(s, q)) {
            repair({ at: s, remove: 1, insert: '"', issue });
            repair({ at: q - 1, remove: 1, insert: '"' });
          }
        } else if (BARE_WORD.test(token)) {
          const issue = tokenError('bad-word', s, end - s);
          if (issue && isKey(s, end)) {
            repair({ at: s, remove: 0, insert: '"', issue });
            repair({ at: end, remove: 0, insert: '"' });
          }
        } else if (/^[-+.\d]/.test(token)) tokenError('invalid-number', s, end - s);
        else tokenError('unexpected-char', s, end - s);
        return;
      }
      case 'InvalidNumberFormat':
      case 'UnexpectedEndOfNumber':
        tokenError('invalid-number', offset, length, 1);
        return;
      case 'UnexpectedEndOfString':
      case 'InvalidUnicode':
      case 'InvalidEscapeCharacter':
      case 'InvalidCharacter': {
        const inArray = f?.kind === 'array' ? 1 : undefined;
        const found = stringIssues(text, offset, offset + length);
        if (!found.length) found.push({ kind: 'other', offset, length });
        for (const e of found) tokenError(e.kind, e.offset, e.length, inArray);
        tokenErrorAt = offset;
        return;
      }
      case 'InvalidCommentToken':
      case 'UnexpectedEndOfComment': {
        const closedComment = text.startsWith('//', offset) || (length >= 4 && text.startsWith('*/', offset + length - 2));
        tokenError(closedComment ? 'comment' : 'unterminated-comment', offset, length);
        return;
      }
      case 'PropertyNameExpected':
      case 'ValueExpected':
      case 'CommaExpected': {
        settle(offset);
        // (after all of these but a missing comma, jsonc-parser skips tokens from here: noted at the end)
        if (closer && f?.kind === closer && name !== 'CommaExpected') {
          if (commaAt >= 0) parserError({ kind: 'trailing-comma', offset: commaAt, length: 1 }, offset);
          else parserError({ kind: name === 'ValueExpected' ? 'value-expected' : 'property-name-expected', offset, length, key: f.key }, offset);
        } else if (closer) wrongCloser(closer, offset);
        else if (name === 'CommaExpected' && c >= 48 && c <= 57 && /[0-9]/.test(text.charAt(offset - 1))) {
          // two numbers with nothing between: a number with a leading zero, such as 01
          let s = offset;
          while (s > 0 && /[-0-9.eE+]/.test(text.charAt(s - 1))) s--;
          let e = offset;
          while (e < text.length && /[-0-9.eE+]/.test(text.charAt(e))) e++;
          tokenError('invalid-number', s, e - s, 0);
        } else if (atEnd && f) {
          // at the end of the text: what is still open is reported next, at its opening bracket
          lastErrorAt = Math.max(lastErrorAt, offset);
        } else if (name === 'CommaExpected') parserError({ kind: 'comma-expected', offset, length, container: f?.kind ?? 'array' }, offset);
        else if (name === 'ValueExpected' && f?.kind !== 'object') stray(parserError({ kind: 'value-expected', offset, length }, offset), offset);
        else if (name === 'ValueExpected' && f?.key !== undefined) stray(parserError({ kind: 'value-expected', offset, length, key: f.key }, offset), offset);
        else stray(parserError({ kind: 'property-name-expected', offset, length }, offset), offset);
        if (name !== 'CommaExpected' && f) skipsFrom(offset); // (at the root, reading ends here)
        return;
      }
      case 'ColonExpected': {
        settle(offset);
        if (atEnd && f) {
          lastErrorAt = Math.max(lastErrorAt, offset);
          return;
        }
        const issue = parserError({ kind: 'colon-expected', offset, length, key: f?.key }, offset);
        // A value right after the name: read it as the member's value next time.
        if (issue && /^(?:[{["\d-]|true|false|null)/.test(text.slice(offset, offset + 5))) repair({ at: offset, remove: 0, insert: ':', issue });
        skipsFrom(offset);
        return;
      }
      case 'CloseBraceExpected':
      case 'CloseBracketExpected': {
        const g = ended;
        if (misclosed || !g) {
          panic = true;
          return;
        }
        // Reported after the container ended, so its path is that of its parent plus its own place.
        const p = path();
        if (g.seg !== undefined) p.push(g.seg);
        parserError({ kind: 'unclosed', offset: g.start, length: 1, container: g.kind, openedAt: g.start }, offset, p);
        return;
      }
      case 'EndOfFileExpected':
        if (!endReported) parserError({ kind: 'end-expected', offset, length }, offset, []);
        endReported = true;
        return;
      default:
        parserError({ kind: 'other', offset, length }, offset);
    }
  };

  // jsonc-parser's offsets are into `src`; everything above works on offsets into `text`.
  const openObject = open('object');
  const openArray = open('array');
  const closeAt = (offset: number, length: number): void => {
    const o = toText(offset);
    close(o, toText(offset + length) - o, length > 0);
  };
  try {
    visit(
      src,
      {
        onObjectBegin: (offset) => openObject(toText(offset)),
        onArrayBegin: (offset) => openArray(toText(offset)),
        onObjectEnd: closeAt,
        onArrayEnd: closeAt,
        onObjectProperty: (name, offset, length) => {
          const o = toText(offset);
          readToken(o);
          const f = top();
          if (!f) return;
          noValue(f);
          f.key = name;
          f.keyStart = o;
          f.keyEnd = toText(offset + length);
          f.hasValue = false;
        },
        onLiteralValue: (_value, offset, length) => {
          const o = toText(offset);
          readToken(o);
          const item = begin('scalar', o, toText(offset + length));
          if (item) item.broken = tokenErrorAt === o;
          valueDone();
        },
        onSeparator: (ch, offset) => {
          const o = toText(offset);
          readToken(o);
          if (ch !== ',') return;
          commaAt = o;
          const f = top();
          noValue(f);
          if (f?.kind === 'object') f.key = undefined;
        },
        onError: (code, offset, length) => {
          const o = toText(offset);
          // (an unterminated block comment at the very end is one character longer than the text)
          onError(code, o, toText(Math.min(offset + length, src.length)) - o);
        },
      },
      JSON_OPTIONS,
    );
  } catch (e) {
    if (e !== TOO_DEEP) throw e;
    return { root: null, issues: [], reportable: 0, errorCount, tooDeepAt };
  }
  if (skipFrom >= 0) settle(text.length);
  // Reading ended at the error (a stray token where the root value belongs): that is the one to repair.
  else if (!lost) commit();
  return { root, issues: issues.sort((a, b) => a.offset - b.offset), reportable, errorCount, tooDeepAt };
}
