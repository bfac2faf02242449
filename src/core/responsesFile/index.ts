/**
 * The responses file model: text → entries with exact locations + validation problems.
 *
 * Three forms are read:
 *   - 'body'  : the score-responses request body, `{"eval_uuid": …, "responses": [ … ], …}`
 *   - 'array' : a bare array of responses (the eval is chosen elsewhere)
 *   - 'jsonl' : JSON Lines, one response object per non-blank line (`.jsonl` / `.ndjson`)
 *
 * Offsets, lines and columns
 *   Offsets are 0-based and lines/columns 1-based, all in UTF-16 code units, and lines end at
 *   "\r\n", "\n" or a lone "\r": the same numbers VS Code's TextDocument uses.
 *   A leading byte order mark (U+FEFF) is tolerated and treated as a zero-width prefix: every
 *   offset is relative to the text *after* it, which is exactly the text VS Code shows (it strips
 *   the BOM from the document). So `parseResponsesFile(bytes decoded with the BOM)` and
 *   `parseResponsesFile(document.getText())` report identical positions. `hadBom` says whether
 *   one was removed. A U+FEFF anywhere else is a syntax error (code 'bom').
 *
 * Speed (see fastOutline)
 *   Valid JSON takes the fast path: one forward scan (jsonScan.Tracker) finds each response's
 *   extent and line while checking the characters between them; JSON.parse reads each response
 *   and it is checked at once, while still in cache. The check is fastEvalResponse (zod's exact
 *   result without zod's allocations) with zod itself deciding and wording anything that is not
 *   plainly valid. Ranges of single properties are only located for responses with a problem,
 *   from jsonc-parser's syntax tree of that response alone (see locate).
 *   Text JSON.parse rejects takes the tolerant path (readTolerant): jsonc-parser's error-tolerant
 *   parser, whose error codes are turned into sentences with exact positions; every syntax error
 *   is reported once (cascades left out) and each response that parses on its own is still
 *   checked. jsonc-parser recurses, so reading stops at the first bracket nested more than
 *   MAX_NESTING_DEPTH deep, which is reported as 'too-deep' (and nothing else).
 *   Measured: test/unit/responsesFile.perf.ts.
 */
import { parseTree, printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import { ElementList, skipString, Tracker } from '../jsonScan';
import { LineIndex, utf8ByteLength } from '../textIndex';
import { newAnalysis, type Analysis, type Outline, type Piece } from './analysis';
import { IntSet } from './intSet';
import { tooDeep } from './issues';
import { JSON_OPTIONS } from './locate';
import { MAX_FILE_BYTES, MAX_NESTING_DEPTH, MAX_SYNTAX_ERRORS, type FileForm, type ParseOptions, type ProblemCode, type ResponsesFile } from './model';
import { ERROR, Report } from './report';
import { checkOutline } from './topLevel';
import { checkResponse, checkResponses } from './validate';
import { BROKEN, pointerOf, tryParse, type Value } from './values';
import { truncate } from './wording';

export * from './model';
export { ResponsesFileError, toScoreRequest } from './request';
export { describeValue } from './wording';

// ------------------------------------------------------------------ fast path

/** Thrown inside the fast path when the text is not valid JSON after all (the tolerant path takes over). */
const NOT_FAST: unique symbol = Symbol('not fast');

/**
 * The fast path, for text that is valid JSON: one forward scan that finds each value's extent
 * (jsonScan.Tracker), JSON.parse of each piece, and each response checked right after it is
 * parsed, while it is still in cache. The scan checks every character between pieces (JSON
 * whitespace, ":" "," "]" "}", nothing after the root) and JSON.parse checks the pieces, which
 * together cover the whole text, so this accepts exactly what JSON.parse(text) accepts.
 * Returns null (having checked nothing that counts) when the text needs the tolerant path:
 * invalid JSON, a scalar root, a form that does not match, or "responses" given twice.
 */
function fastOutline(an: Analysis, forced: FileForm | undefined): Outline | null {
  try {
    return readFast(an, forced);
  } catch (e) {
    if (e === NOT_FAST || e instanceof SyntaxError) return null;
    throw e;
  }
}

function parsePiece(text: string, start: number, end: number): Value {
  return JSON.parse(text.slice(start, end)) as Value;
}

/**
 * Read the array whose "[" is at `i` (inside `depth` brackets), checking each element as a
 * response as soon as it is parsed. (A top-level function, not a closure: V8 keeps one
 * optimized copy of it instead of compiling it afresh for every file.)
 */
function readResponses(an: Analysis, tr: Tracker, i: number, depth: number, prefix: string): number {
  const text = an.text;
  const entries = an.entries;
  i = tr.ws(i + 1);
  if (text.charCodeAt(i) === 93) return i + 1;
  for (let index = 0; ; index++) {
    const line = tr.line;
    const lineStart = tr.lineStart;
    const end = tr.value(i, depth + 1);
    const v = parsePiece(text, i, end);
    const entry = checkResponse(an, v, i, end, line, lineStart, tr.colons, tr.deepAt, index, prefix + index);
    if (entry) entries.push(entry);
    i = tr.ws(end);
    const d = text.charCodeAt(i);
    if (d === 93) {
      an.responseCount = index + 1;
      return i + 1;
    }
    if (d !== 44) throw NOT_FAST;
    i = tr.ws(i + 1);
  }
}

function readFast(an: Analysis, forced: FileForm | undefined): Outline {
  const text = an.text;
  const tr = new Tracker(text, MAX_NESTING_DEPTH);
  let i = tr.ws(0);
  const c = text.charCodeAt(i);
  const kind = c === 123 ? 'object' : c === 91 ? 'array' : 'other';
  if (kind === 'other' || (forced === 'array' && kind === 'object') || (forced === 'body' && kind === 'array')) throw NOT_FAST;
  const o: Outline = { kind, start: i, end: i, value: undefined, deepAt: -1, members: [], elements: new ElementList(), values: [] };

  if (kind === 'array') {
    o.end = readResponses(an, tr, i, 0, '/');
    o.value = [];
    o.checked = true;
  } else {
    const root: Record<string, unknown> = {};
    i = tr.ws(i + 1);
    if (text.charCodeAt(i) !== 125) {
      for (;;) {
        if (text.charCodeAt(i) !== 34) throw NOT_FAST;
        const keyStart = i;
        const keyEnd = skipString(text, i);
        const key = parsePiece(text, keyStart, keyEnd) as string;
        i = tr.ws(keyEnd);
        if (text.charCodeAt(i) !== 58) throw NOT_FAST;
        const valueStart = (i = tr.ws(i + 1));
        let piece: Piece;
        if (key === 'responses' && text.charCodeAt(i) === 91) {
          if (Object.prototype.hasOwnProperty.call(root, 'responses')) throw NOT_FAST; // given twice: let the tolerant path sort it out
          const valueEnd = readResponses(an, tr, i, 1, '/responses/');
          piece = { key, keyStart, keyEnd, valueStart, valueEnd, value: [], deepAt: -1, elements: new ElementList(), values: [], checked: true };
        } else {
          if (key === 'responses' && Object.prototype.hasOwnProperty.call(root, 'responses')) throw NOT_FAST;
          const valueEnd = tr.value(i, 1);
          const deepAt = tr.deepAt;
          piece = { key, keyStart, keyEnd, valueStart, valueEnd, value: parsePiece(text, valueStart, valueEnd), deepAt };
        }
        root[key] = piece.value;
        o.members.push(piece);
        i = tr.ws(piece.valueEnd);
        const d = text.charCodeAt(i);
        if (d === 125) break;
        if (d !== 44) throw NOT_FAST;
        i = tr.ws(i + 1);
      }
    }
    o.end = i + 1;
    o.value = root;
  }
  if (tr.ws(o.end) !== text.length) throw NOT_FAST;
  return o;
}

// ------------------------------------------------------------------ tolerant path

/** What is wrong at a syntax error. */
type SyntaxKind =
  | 'unexpected-char'
  | 'bom'
  | 'bad-word'
  | 'single-quotes'
  | 'comment'
  | 'unterminated-comment'
  | 'unterminated-string'
  | 'invalid-escape'
  | 'invalid-unicode'
  | 'control-char'
  | 'invalid-number'
  | 'property-name-expected'
  | 'colon-expected'
  | 'value-expected'
  | 'comma-expected'
  | 'trailing-comma'
  | 'unclosed'
  | 'mismatched-close'
  | 'unexpected-close'
  | 'end-expected'
  | 'other';

export interface SyntaxIssue {
  kind: SyntaxKind;
  offset: number;
  length: number;
  /** Where in the document it happened (member names and element indices). */
  path: (string | number)[];
  /** The container it is in or about ('unclosed', 'mismatched-close': the one that is not closed), and where that opened. */
  container?: 'object' | 'array';
  openedAt?: number;
  /** The property name, for a missing colon or value. */
  key?: string;
}

/** A value the tolerant reader found: the root, its members or elements, and the elements of its "responses" member. */
export interface TolerantItem {
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  start: number;
  end: number;
  kind: 'object' | 'array' | 'scalar';
  /** A syntax error lies inside it, or it is never closed. */
  broken: boolean;
  /** Members or elements (the root's, and those of an array that is the root object's "responses"). */
  items?: TolerantItem[];
}

export interface TolerantRead {
  /** The root value, or null when there is none (or reading stopped too deep). */
  root: TolerantItem | null;
  /** The first `maxIssues` syntax errors; cascades (errors that follow another with nothing read in between) are left out. */
  issues: SyntaxIssue[];
  /** All errors that are not cascades; `issues` holds the first of them. */
  reportable: number;
  /** Every error jsonc-parser reported, cascades included: 0 exactly when JSON.parse accepts the text. */
  errorCount: number;
  /** Offset of the bracket that opened more than `maxDepth` levels deep, where reading stopped; or -1. */
  tooDeepAt: number;
}

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
const QUOTE_CODE = 34;
const BACKSLASH_CODE = 92;

/** Offset of the first character at or after `i` that is not JSON whitespace. */
function nextToken(text: string, i: number): number {
  while (i < text.length && /[ \t\r\n]/.test(text.charAt(i))) i++;
  return i;
}

/** Opening minus closing brackets in [from, to), outside strings (which end at a line break, as jsonc-parser ends them). */
function netDepth(text: string, from: number, to: number): number {
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
const BARE_WORD = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;
/** A single-quoted string, up to its closing quote or the end of the line. */
const SINGLE_QUOTED = /'(?:[^'\\\r\n]|\\.)*'?/y;

/** The problems inside the string token at [start, end), each at its place (jsonc-parser names only the last, at the token's start). */
function stringIssues(text: string, start: number, end: number): { kind: SyntaxKind; offset: number; length: number }[] {
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

/**
 * Read possibly invalid JSON with jsonc-parser's error-tolerant parser: the syntax errors, in
 * words a person can act on (SyntaxKind), each at its exact place, and an outline of the root
 * value whose items are marked broken when an error lies inside.
 *
 * After some errors jsonc-parser skips to the next "," or closer whatever the nesting, and when
 * that takes it into or out of a nested value (a key without quotes or colon just before
 * "responses": [ …, a stray token or a wrong closer between members) it reads the rest at the
 * wrong level and every later response is lost. When the mistake is one that can be repaired
 * (see Repair), it is, and the text is read again (a few times at most); offsets are mapped back
 * to the text, and the repaired mistakes are still reported, from the reading that found them.
 *
 * jsonc-parser's parser recurses once per nesting level (and its recovery can nest deeper than
 * the brackets suggest, so no count of brackets beforehand can bound it): reading stops with
 * `tooDeepAt` at the first container that opens more than `maxDepth` levels deep, so the stack
 * never holds more than that, whatever the text.
 */
export function readTolerant(text: string, maxIssues: number, maxDepth: number): TolerantRead {
  const found: Repair[] = [];
  let read = readPass(text, text, (x) => x, maxIssues, maxDepth, found);
  const repairs: Repair[] = [];
  for (let reads = 1; found.length && read.tooDeepAt < 0 && reads < MAX_READS; reads++) {
    // (one mistake per reading: after it the reading cannot be trusted; a repaired place is never met again)
    repairs.push(...found.filter((r) => !repairs.some((x) => x.at === r.at)));
    repairs.sort((x, y) => x.at - y.at);
    const { src, toText } = applyRepairs(text, repairs);
    found.length = 0;
    read = readPass(text, src, toText, maxIssues, maxDepth, found);
  }
  if (!repairs.length || read.tooDeepAt >= 0) return read;
  const own = repairs.flatMap((r) => (r.issue ? [r.issue] : []));
  // An item with a repaired mistake inside (a closer added at its end included) is not valid JSON as written.
  const inside = (it: TolerantItem, r: Repair): boolean =>
    r.at + r.remove > it.start && (r.at < it.end || (r.at === it.end && r.remove === 0 && /^[}\]]/.test(r.insert)));
  const mark = (it: TolerantItem | null | undefined): void => {
    if (!it) return;
    if (repairs.some((r) => inside(it, r))) it.broken = true;
    for (const sub of it.items ?? []) mark(sub);
  };
  mark(read.root);
  return {
    root: read.root,
    issues: [...read.issues, ...own].sort((x, y) => x.offset - y.offset).slice(0, maxIssues),
    reportable: read.reportable + own.length,
    errorCount: read.errorCount + own.length,
    tooDeepAt: -1,
  };
}

/** Readings of one text at most: the first, and the re-readings with repairs. */
const MAX_READS = 5;

/** The text with `repairs` (sorted, apart) made, and a map from its offsets back to the text's. */
function applyRepairs(text: string, repairs: readonly Repair[]): { src: string; toText: (x: number) => number } {
  let src = '';
  let last = 0;
  let shift = 0;
  const srcAt: number[] = [];
  const shiftAfter: number[] = [];
  for (const r of repairs) {
    src += text.slice(last, r.at) + r.insert;
    srcAt.push(r.at + shift);
    shift += r.insert.length - r.remove;
    shiftAfter.push(shift);
    last = r.at + r.remove;
  }
  src += text.slice(last);
  /** Inside an insertion: where it was inserted. */
  const toText = (x: number): number => {
    let lo = 0;
    let hi = srcAt.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((srcAt[mid] as number) <= x) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) return x;
    const r = repairs[k] as Repair;
    if (x < (srcAt[k] as number) + r.insert.length) return r.at;
    return x - (shiftAfter[k] as number);
  };
  return { src, toText };
}

/**
 * A change to the text for the next reading: `remove` characters at `at` replaced by `insert`.
 * The mistakes repaired: a bare or single-quoted key followed by ":" (quoted), a missing ":"
 * before a value (added), a closer of the wrong kind (the closers missing before it are added;
 * replaced when it ends the text), a closer with nothing to close and a stray token where a member
 * name or value belongs (blanked).
 */
interface Repair {
  at: number;
  remove: number;
  insert: string;
  /** The error it repairs, as reported by the reading that found it. */
  issue?: SyntaxIssue;
}

/**
 * One reading of `src` (the text, or the text with repairs) by jsonc-parser. Offsets it gives are
 * mapped to `text` with `toText`; everything reported is about `text`. The repair for the first
 * mistake that makes jsonc-parser lose its place is added to `repairs` (when given).
 */
function readPass(text: string, src: string, toText: (x: number) => number, maxIssues: number, maxDepth: number, repairs: Repair[] | null): TolerantRead {
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

function showChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xfeff || (cp >= 0x2000 && cp <= 0x200f) ? hex : `"${ch}" (${hex})`;
}

/** A syntax error in words. `text` is what was read; offsets are relative to it. */
function describeSyntaxIssue(text: string, e: SyntaxIssue, lines: LineIndex, shift: number): { code: ProblemCode; message: string } {
  const tokenText = truncate(text.slice(e.offset, e.offset + e.length), 40);
  const opened = e.openedAt !== undefined ? lines.positionAt(e.openedAt + shift) : undefined;
  const what = e.container === 'array' ? 'array' : 'object';
  const closer = e.container === 'array' ? ']' : '}';
  const forKey = e.key !== undefined ? ` for "${truncate(e.key, 40)}"` : '';
  switch (e.kind) {
    case 'unexpected-char':
      return {
        code: 'syntax',
        message:
          e.length === 1 || (e.length === 2 && (text.codePointAt(e.offset) ?? 0) > 0xffff)
            ? `Unexpected character ${showChar(String.fromCodePoint(text.codePointAt(e.offset) ?? 0))}; it has no place in JSON here.`
            : `Unexpected characters ${JSON.stringify(tokenText)}; they have no place in JSON here.`,
      };
    case 'bom':
      return { code: 'bom', message: 'Stray byte order mark (U+FEFF, invisible) here; delete it. Only one at the very start of a file is allowed.' };
    case 'bad-word':
      return {
        code: 'syntax',
        message: `Unexpected word ${tokenText}: property names and text values must be in double quotes ("${tokenText}"); the only bare words JSON allows are true, false and null.`,
      };
    case 'single-quotes':
      return { code: 'syntax', message: 'Strings and property names must be in double quotes ("), not single quotes.' };
    case 'comment':
      return { code: 'syntax', message: 'Comments are not allowed in JSON; remove this comment.' };
    case 'unterminated-comment':
      return { code: 'syntax', message: 'Unterminated comment (and comments are not allowed in JSON): remove it.' };
    case 'unterminated-string':
      return { code: 'syntax', message: 'Unterminated string: add the closing double quote. A line break inside a string must be written as \\n.' };
    case 'invalid-escape': {
      const next = text.charCodeAt(e.offset + 1);
      if (next === 10 || next === 13) {
        return { code: 'syntax', message: 'A backslash at the end of a line: a JSON string cannot continue on the next line. Write a line break inside a string as \\n.' };
      }
      return {
        code: 'syntax',
        message: `Invalid escape ${tokenText} in a string: JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX. Write a backslash itself as \\\\.`,
      };
    }
    case 'invalid-unicode':
      return { code: 'syntax', message: 'Invalid \\u escape: it needs exactly four hex digits, e.g. \\u00e9.' };
    case 'control-char':
      return { code: 'syntax', message: `Control character ${showChar(text.charAt(e.offset))} inside a string: write it as an escape such as \\t or \\n.` };
    case 'invalid-number':
      return { code: 'syntax', message: `Invalid number ${tokenText}: JSON numbers look like 1, -2, 3.5 or 1e6 (no leading zeros, +, NaN or Infinity).` };
    case 'property-name-expected':
      return { code: 'syntax', message: 'Expected a property name in double quotes here, e.g. "prompt_uuid".' };
    case 'colon-expected':
      return { code: 'syntax', message: `Expected a colon (:) after the property name${e.key !== undefined ? ` "${truncate(e.key, 40)}"` : ''}, before this.` };
    case 'value-expected':
      return { code: 'syntax', message: `Expected a value${forKey} here: a string, number, true, false, null, object or array.` };
    case 'comma-expected':
      return {
        code: 'syntax',
        message:
          e.container === 'object'
            ? 'Expected a comma (,) or a closing "}" before this: is a comma missing after the previous property?'
            : 'Expected a comma (,) or a closing "]" before this: is a comma missing after the previous value?',
      };
    case 'trailing-comma':
      return { code: 'syntax', message: 'Trailing comma: JSON allows no comma before a closing "}" or "]". Remove this comma.' };
    case 'unclosed':
      return { code: 'syntax', message: `This ${what} is never closed: add "${closer}" after its last ${e.container === 'array' ? 'element' : 'member'}.` };
    case 'mismatched-close':
      return {
        code: 'syntax',
        message: `Expected "${closer}" to close the ${what} opened on line ${opened?.line ?? '?'}, column ${opened?.column ?? '?'}, but found "${text.charAt(e.offset)}".`,
      };
    case 'unexpected-close':
      return { code: 'syntax', message: `Unexpected "${text.charAt(e.offset)}": there is nothing open here for it to close.` };
    case 'end-expected':
      return {
        code: 'syntax',
        message:
          'Unexpected text after the end of the JSON value.' +
          (text.charAt(e.offset) === '{' ? ' If the file holds one response object per line (JSON Lines), give it the .jsonl extension.' : ''),
      };
    case 'other':
      return { code: 'syntax', message: 'This is not valid JSON.' };
  }
}

/** Report the syntax errors of `read` (of a text that starts at `shift` in the file). */
function reportSyntax(an: Analysis, text: string, read: TolerantRead, shift: number, pointerPrefix: string, entryIndexOf: (path: readonly (string | number)[]) => number | undefined): void {
  for (const e of read.issues) {
    if (an.report.syntaxErrors >= MAX_SYNTAX_ERRORS) {
      an.report.hiddenSyntaxErrors++;
      continue;
    }
    an.report.syntaxErrors++;
    const d = describeSyntaxIssue(text, e, an.report.lines, shift);
    an.report.add(ERROR, d.code, d.message, e.offset + shift, e.length, pointerOf(pointerPrefix, e.path), entryIndexOf(e.path));
  }
  an.report.hiddenSyntaxErrors += read.reportable - read.issues.length;
  // Never expected (every error is reported or follows one that is), but the text is broken all the same.
  if (read.errorCount > 0 && read.reportable === 0) an.report.add(ERROR, 'syntax', 'The text is not valid JSON.', shift, text.length, pointerPrefix);
}

function firstNul(an: Analysis): boolean {
  const nul = an.text.indexOf('\u0000');
  if (nul < 0) return false;
  an.report.add(
    ERROR,
    'binary',
    'The file contains NUL bytes, so it is binary, not JSON text. (If it was saved as UTF-16, save it as UTF-8.)',
    nul,
    1,
    '',
  );
  return true;
}

/** Add an item's position and facts to `out`; a valid one (`scan`) is scanned for its member count and depth. Returns its deepAt. */
function addElement(out: ElementList, text: string, lines: LineIndex, start: number, end: number, depth: number, scan: boolean): number {
  const pos = lines.positionAt(start);
  let colons = 0;
  let deepAt = -1;
  if (scan) {
    const tr = new Tracker(text, MAX_NESTING_DEPTH);
    tr.value(start, depth);
    colons = tr.colons;
    deepAt = tr.deepAt;
  }
  out.push(start, end, pos.line - 1, start - (pos.column - 1), colons, deepAt);
  return deepAt;
}

/**
 * Values of the items that were read without error. One jsonc-parser found no error in but
 * JSON.parse rejects would be a disagreement between the two; it is reported rather than trusted.
 */
function itemValue(an: Analysis, item: TolerantItem, pointer: string): Value {
  if (item.broken) return BROKEN;
  const v = tryParse(an.text, item.start, item.end);
  if (v === BROKEN) an.report.add(ERROR, 'syntax', 'This value is not valid JSON.', item.start, item.end - item.start, pointer);
  return v;
}

function tolerantOutline(an: Analysis): Outline | null {
  const text = an.text;
  const lines = an.report.lines;
  const read = readTolerant(text, MAX_SYNTAX_ERRORS, MAX_NESTING_DEPTH);
  if (read.tooDeepAt >= 0) {
    tooDeep(an, read.tooDeepAt, '');
    return null;
  }
  const root = read.root;
  const entryIndexOf = (path: readonly (string | number)[]) => {
    const i = root?.kind === 'array' ? path[0] : path[0] === 'responses' ? path[1] : undefined;
    return typeof i === 'number' ? i : undefined;
  };
  reportSyntax(an, text, read, 0, '', entryIndexOf);
  if (!root) return null;
  const o: Outline = {
    kind: root.kind === 'scalar' ? 'other' : root.kind,
    start: root.start,
    end: root.end,
    value: BROKEN,
    deepAt: -1,
    members: [],
    elements: new ElementList(),
    values: [],
  };
  const readElements = (items: readonly TolerantItem[], depth: number, prefix: string): { elements: ElementList; values: Value[] } => {
    const elements = new ElementList();
    const values: Value[] = [];
    items.forEach((it, i) => {
      const v = itemValue(an, it, prefix + i);
      values.push(v);
      addElement(elements, text, lines, it.start, it.end, depth, v !== BROKEN);
    });
    return { elements, values };
  };
  if (root.kind === 'array') {
    o.value = root.broken ? BROKEN : [];
    Object.assign(o, readElements(root.items ?? [], 1, '/'));
  } else if (root.kind === 'object') {
    o.value = root.broken ? BROKEN : {};
    for (const it of root.items ?? []) {
      if (it.key === undefined || it.keyStart === undefined || it.keyEnd === undefined) continue;
      const pointer = pointerOf('', [it.key]);
      const responses = it.kind === 'array' && it.key === 'responses';
      const value = responses ? (it.broken ? BROKEN : []) : itemValue(an, it, pointer);
      const piece: Piece = {
        key: it.key,
        keyStart: it.keyStart,
        keyEnd: it.keyEnd,
        valueStart: it.start,
        valueEnd: it.end,
        value,
        deepAt: addElement(new ElementList(), text, lines, it.start, it.end, 1, value !== BROKEN && !responses),
      };
      if (responses) {
        const r = readElements(it.items ?? [], 2, `${pointer}/`);
        piece.elements = r.elements;
        piece.values = r.values;
      }
      o.members.push(piece);
    }
  } else {
    o.value = itemValue(an, root, '');
    if (o.value !== BROKEN) o.deepAt = addElement(new ElementList(), text, lines, root.start, root.end, 0, true);
  }
  return o;
}

// ------------------------------------------------------------------ JSON Lines

function checkJsonLines(an: Analysis, forceTolerant: boolean): void {
  const text = an.text;
  const starts = an.report.lines.lineStarts;
  const elements = new ElementList();
  const values: Value[] = [];
  const tr = new Tracker(text, MAX_NESTING_DEPTH);
  let checkedBinary = false;
  for (let li = 0; li < starts.length; li++) {
    const ls = starts[li] as number;
    let le = li + 1 < starts.length ? (starts[li + 1] as number) : text.length;
    while (le > ls && (text.charCodeAt(le - 1) === 10 || text.charCodeAt(le - 1) === 13)) le--;
    let s = ls;
    while (s < le && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    let e = le;
    while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    if (s >= e) continue;
    const index = elements.count;
    let v: Value = BROKEN;
    if (!forceTolerant) v = tryParse(text, s, e);
    else {
      // The tolerant reader decides; a line too deep for it is left to JSON.parse (the checks report the depth).
      const read = readTolerant(text.slice(s, e), 1, MAX_NESTING_DEPTH);
      if (read.errorCount === 0 || read.tooDeepAt >= 0) v = tryParse(text, s, e);
    }
    if (v === BROKEN) {
      if (!checkedBinary) {
        checkedBinary = true;
        if (firstNul(an)) return;
      }
      if (index === 0 && tryParse(text, 0, text.length) !== BROKEN) {
        an.report.add(
          ERROR,
          'not-json-lines',
          'This JSON Lines file holds one JSON document spread over several lines, but JSON Lines needs one response object per line. Rename the file to .json, or put each response on a line of its own.',
          s,
          e - s,
          '',
        );
        return;
      }
      const lineText = text.slice(s, e);
      const read = readTolerant(lineText, MAX_SYNTAX_ERRORS, MAX_NESTING_DEPTH);
      if (read.tooDeepAt >= 0) tooDeep(an, s + read.tooDeepAt, `/${li}`, index);
      else reportSyntax(an, lineText, read, s, `/${li}`, () => index);
      elements.push(s, e, li, ls, 0, -1);
      values.push(BROKEN);
      continue;
    }
    tr.value(s, 0);
    elements.push(s, e, li, ls, tr.colons, tr.deepAt);
    values.push(v);
  }
  checkResponses(an, elements, values, '/', true);
}

// ------------------------------------------------------------------ entry point

/**
 * One instance of each class the hot loop uses, kept for the life of the module: V8 holds the
 * hidden classes instances pass through only weakly, and when a GC frees them every optimized
 * function that checks for them is discarded (see jsonScan.KEEP_SHAPES_ALIVE).
 */
const _keepShapesAlive: readonly unknown[] = [
  new IntSet(),
  new Report('', new LineIndex('')),
  new LineIndex(''),
  newAnalysis('', new LineIndex(''), 'body'),
  // every kind of node jsonc-parser's parseTree makes (treeOf), and the tolerant reader's outline, for the same reason
  parseTree('{"k": [{"s": "x", "n": 1, "b": true, "z": null}, [], {}]}', undefined, JSON_OPTIONS),
  readTolerant('{"responses": [{"a": 1}, 2], "b": [], "c": }', 1, MAX_NESTING_DEPTH),
];

function isJsonLinesName(fileName: string | undefined): boolean {
  return !!fileName && /\.(jsonl|ndjson)$/i.test(fileName);
}

/**
 * Read a responses file: its form, eval id, request options, valid entries with exact
 * locations, and every problem found. Never throws on bad input.
 */
export function parseResponsesFile(input: string, opts: ParseOptions = {}): ResponsesFile {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  const text = hadBom ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const jsonl = opts.form === 'jsonl' || (opts.form === undefined && isJsonLinesName(opts.fileName));
  let an = newAnalysis(text, lines, jsonl ? 'jsonl' : (opts.form ?? 'body'));

  if (text.length > MAX_FILE_BYTES || (text.length > MAX_FILE_BYTES / 3 && utf8ByteLength(text) > MAX_FILE_BYTES)) {
    an.report.add(
      ERROR,
      'too-large',
      `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, the most this extension reads. Split the responses into several files.`,
      0,
      0,
      '',
    );
  } else if (text.trim() === '') {
    an.report.add(
      ERROR,
      'empty',
      jsonl
        ? 'The file is empty. Put one response per line, e.g. {"prompt_uuid": "…", "content": "…"}.'
        : 'The file is empty. It should hold {"eval_uuid": "…", "responses": [ {"prompt_uuid": "…", "content": "…"} ]}.',
      0,
      0,
      '',
    );
  } else if (jsonl) {
    checkJsonLines(an, !!opts.forceTolerant);
  } else {
    let outline = opts.forceTolerant ? null : fastOutline(an, opts.form);
    if (!outline) {
      an = newAnalysis(text, lines, an.form);
      if (!firstNul(an)) outline = tolerantOutline(an);
    }
    if (outline) checkOutline(an, outline, opts.form);
  }

  const report = an.report;
  const problems = report.finish();
  return {
    form: an.form,
    evalUuid: an.form === 'body' ? an.evalUuid : null,
    options: an.options,
    entries: an.entries,
    problems,
    hasErrors: report.hasErrors,
    responseCount: an.responseCount,
    hadBom,
    lines,
  };
}
