/**
 * Fast, allocation-light scanning of JSON text that is already known to be valid
 * (JSON.parse accepted it): where values, members and array elements start and end.
 *
 * The values themselves come from JSON.parse; this module only finds *offsets*, in one
 * linear pass with string bodies skipped by indexOf. Everything here is iterative, so a
 * value nested a million levels deep costs no stack. On invalid text every function still
 * terminates (at worst at the end of the text) but the offsets mean nothing.
 *
 * Offsets are 0-based UTF-16 code units, as String.prototype indices are.
 */

const QUOTE = 34; // "
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/** A value's extent, [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** One member of an object: its key (decoded) and where key and value are. */
export interface MemberSpan {
  key: string;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

/** First offset at or after `i` that is not JSON whitespace. */
export function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === LF || c === CR || c === TAB) i++;
    else return i;
  }
}

/** `i` is at an opening quote: the offset just after the closing quote (or text.length if unterminated). */
export function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return text.length;
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if (((j - 1 - k) & 1) === 0) return j + 1;
    j++;
  }
}

/** The decoded text of the key string at [start, end) (quotes included). */
export function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  if (raw.indexOf('\\') < 0) return raw;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return raw;
  }
}

/** What a Tracker learned about the value it last skipped. */
export interface ValueFacts {
  /** Members directly inside the value, counted by colons at its own level (objects only). */
  colons: number;
  /** Offset of the first bracket that opened beyond the depth limit, or -1. */
  deepAt: number;
}

/**
 * A forward-only scanner that also keeps count of lines (VS Code rules: "\r\n", "\n" or a
 * lone "\r"), nesting depth and, for each value it skips, the facts in ValueFacts.
 * Valid JSON strings cannot contain raw line breaks, so every break is seen outside strings.
 */
export class Tracker implements ValueFacts {
  /** 0-based line of the scan position. */
  line = 0;
  /** Offset where that line starts. */
  lineStart = 0;
  colons = 0;
  deepAt = -1;

  constructor(
    readonly text: string,
    /** Most brackets that may be open at once. */
    readonly maxDepth: number,
  ) {}

  /** Skip whitespace from `i`, counting line breaks. */
  ws(i: number): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === SPACE || c === TAB) i++;
      else if (c === LF) {
        i++;
        this.line++;
        this.lineStart = i;
      } else if (c === CR) {
        i += t.charCodeAt(i + 1) === LF ? 2 : 1;
        this.line++;
        this.lineStart = i;
      } else return i;
    }
  }

  /**
   * Skip the value starting at `i`, which sits inside `depth` open brackets.
   * Returns its end; sets `colons` and `deepAt` for it.
   */
  value(i: number, depth: number): number {
    const t = this.text;
    const n = t.length;
    let c = t.charCodeAt(i);
    this.colons = 0;
    this.deepAt = -1;
    if (c === QUOTE) return skipString(t, i);
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      while (i < n) {
        c = t.charCodeAt(i);
        if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === SPACE || c === LF || c === CR || c === TAB) break;
        i++;
      }
      return i;
    }
    const room = this.maxDepth - depth;
    let d = 1;
    let deepAt = d > room ? i : -1;
    let colons = 0;
    let line = this.line;
    let lineStart = this.lineStart;
    i++;
    while (i < n) {
      c = t.charCodeAt(i);
      if (c === SPACE) {
        i++;
        continue;
      }
      if (c === QUOTE) {
        i = skipString(t, i);
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++d > room && deepAt < 0) deepAt = i;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--d === 0) {
          i++;
          break;
        }
      } else if (c === COLON) {
        if (d === 1) colons++;
      } else if (c === LF) {
        line++;
        lineStart = i + 1;
      } else if (c === CR) {
        line++;
        if (t.charCodeAt(i + 1) === LF) i++;
        lineStart = i + 1;
      }
      i++;
    }
    this.line = line;
    this.lineStart = lineStart;
    this.colons = colons;
    this.deepAt = deepAt;
    return i;
  }
}

/**
 * Elements of a scanned array, one column per fact (no object per element: a 100,000-entry
 * file would otherwise allocate 100,000 of them right after JSON.parse).
 */
export class ElementList {
  count = 0;
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** 0-based line of `start`. */
  readonly line: number[] = [];
  /** Offset where that line starts. */
  readonly lineStart: number[] = [];
  /** See ValueFacts. */
  readonly colons: number[] = [];
  readonly deepAt: number[] = [];

  push(start: number, end: number, line: number, lineStart: number, colons: number, deepAt: number): void {
    this.start.push(start);
    this.end.push(end);
    this.line.push(line);
    this.lineStart.push(lineStart);
    this.colons.push(colons);
    this.deepAt.push(deepAt);
    this.count++;
  }

  /** First deepAt that is set, or -1. */
  firstDeep(): number {
    for (const d of this.deepAt) if (d >= 0) return d;
    return -1;
  }
}

/**
 * V8 holds the hidden classes ("maps") that instances of a class transition through only
 * weakly: once no instance is alive, a GC frees them, and every optimized function that
 * checks for them is thrown away, so the next big parse starts on cold code. One instance of
 * each class kept for the life of the module keeps those maps, and that code, alive.
 */
export const KEEP_SHAPES_ALIVE: readonly unknown[] = [new Tracker('', 0), new ElementList()];

/** Skip the valid JSON value at `i` (no line counting); returns its end. */
export function skipValue(text: string, i: number): number {
  return new Tracker(text, Number.MAX_SAFE_INTEGER).value(i, 0);
}

/** Members of the valid JSON object whose "{" is at `start`, in text order (duplicates kept). */
export function objectMembers(text: string, start: number): MemberSpan[] {
  const out: MemberSpan[] = [];
  if (text.charCodeAt(start) !== OPEN_BRACE) return out;
  let i = skipWhitespace(text, start + 1);
  while (text.charCodeAt(i) === QUOTE) {
    const keyStart = i;
    const keyEnd = skipString(text, i);
    i = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) break;
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    out.push({ key: decodeKey(text, keyStart, keyEnd), keyStart, keyEnd, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipWhitespace(text, i + 1);
  }
  return out;
}

/** Elements of the valid JSON array whose "[" is at `start`. */
export function arrayElements(text: string, start: number): Span[] {
  const out: Span[] = [];
  if (text.charCodeAt(start) !== OPEN_BRACKET) return out;
  let i = skipWhitespace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return out;
  for (;;) {
    const end = skipValue(text, i);
    out.push({ start: i, end });
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) !== COMMA) return out;
    i = skipWhitespace(text, i + 1);
  }
}

/** Where a path leads inside the valid JSON value at `start`. */
export interface PathTarget extends Span {
  /** The key of the last segment, when it named an object member. */
  keyStart?: number;
  keyEnd?: number;
}

/**
 * Follow `path` (member names and array indices) from the value at `start`.
 * A repeated key resolves to its last occurrence, as JSON.parse does.
 * Returns null when the path does not exist.
 */
export function locatePath(text: string, start: number, path: readonly (string | number)[]): PathTarget | null {
  let target: PathTarget = { start, end: -1 };
  for (const seg of path) {
    const c = text.charCodeAt(target.start);
    if (c === OPEN_BRACE) {
      const key = String(seg);
      let found: MemberSpan | undefined;
      for (const m of objectMembers(text, target.start)) if (m.key === key) found = m;
      if (!found) return null;
      target = { start: found.valueStart, end: found.valueEnd, keyStart: found.keyStart, keyEnd: found.keyEnd };
    } else if (c === OPEN_BRACKET && typeof seg === 'number') {
      const el = arrayElements(text, target.start)[seg];
      if (!el) return null;
      target = { start: el.start, end: el.end };
    } else return null;
  }
  if (target.end < 0) target.end = skipValue(text, target.start);
  return target;
}

// ------------------------------------------------------------------ tolerant parser

/** What is wrong at a syntax error. */
export type SyntaxKind =
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
  | 'end-expected';

export interface SyntaxIssue {
  kind: SyntaxKind;
  offset: number;
  length: number;
  /** Where in the document it happened (member names and element indices). */
  path: (string | number)[];
  /** For 'unclosed' / 'mismatched-close': where the container opened, and which it is. */
  openedAt?: number;
  container?: 'object' | 'array';
}

/** A value the tolerant parser found; `broken` when a syntax error lies inside it. */
export interface TolerantItem {
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  start: number;
  end: number;
  broken: boolean;
  kind: 'object' | 'array' | 'scalar';
  /** Members / elements, recorded for the root value and for arrays that are members of a root object. */
  items?: TolerantItem[];
}

export interface TolerantResult {
  /** The root value, or null when there is none. */
  root: TolerantItem | null;
  /** The first `maxIssues` problems, cascades after an error suppressed until parsing is back on track. */
  issues: SyntaxIssue[];
  /** Every error counted, cascades included (0 exactly when the text is valid JSON). */
  errorCount: number;
  /** Errors that are not cascades: `issues` holds the first `maxIssues` of them. */
  reportable: number;
  /** Offset of the first bracket that opened beyond `maxDepth`, or -1. */
  firstTooDeep: number;
}

// tokens
const EOF = 0;
const LBRACE = 1;
const RBRACE = 2;
const LBRACK = 3;
const RBRACK = 4;
const TCOLON = 5;
const TCOMMA = 6;
const STRING = 7;
const NUMBER = 8;
const LITERAL = 9;
const BADWORD = 10;
const SQSTRING = 11;

// parser states
const S_ROOT = 0;
const S_ROOT_END = 1;
const S_KEY = 2;
const S_COLON = 3;
const S_VALUE = 4;
const S_OBJ_NEXT = 5;
const S_ELEM = 6;
const S_ARR_NEXT = 7;

const K_ROOT = 0;
const K_OBJ = 1;
const K_ARR = 2;

interface Frame {
  kind: number;
  state: number;
  start: number;
  errorsAtStart: number;
  /** This frame's place in its parent (member name or index); undefined for the root or a keyless member. */
  seg: string | number | undefined;
  /** Member key, recorded with the item. */
  mKey: string | undefined;
  mKeyStart: number;
  mKeyEnd: number;
  key: string | undefined;
  keyStart: number;
  keyEnd: number;
  index: number;
  afterComma: boolean;
  commaAt: number;
  items: TolerantItem[] | null;
  /** Whether the parent records this value as an item. */
  recorded: boolean;
}

interface PendingIssue {
  kind: SyntaxKind;
  offset: number;
  length: number;
}

/** Longest path kept for a syntax issue (deeper text is rejected as too deep anyway). */
const MAX_PATH = 100;

const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
/** Characters that end a run of unexpected characters. */
function endsJunk(c: number): boolean {
  return (
    c === SPACE || c === TAB || c === LF || c === CR || c === OPEN_BRACE || c === CLOSE_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACKET ||
    c === COLON || c === COMMA || c === QUOTE || c === 39 || c === 47 || c === 45 || c === 0xfeff || isIdentPart(c)
  );
}

class TolerantParser {
  private tok = EOF;
  private tokStart = 0;
  private tokEnd = 0;
  private pos = 0;
  private lastEnd = 0;
  private readonly leading: PendingIssue[] = [];
  private readonly own: PendingIssue[] = [];
  private panic = false;
  private readonly frames: Frame[] = [];
  readonly issues: SyntaxIssue[] = [];
  errorCount = 0;
  reportable = 0;
  firstTooDeep = -1;

  constructor(
    private readonly text: string,
    private readonly maxIssues: number,
    private readonly maxDepth: number,
  ) {}

  // -------------------------------------------------------------- scanner

  private scan(): void {
    const t = this.text;
    const n = t.length;
    this.leading.length = 0;
    this.own.length = 0;
    let i = this.pos;
    for (;;) {
      while (i < n) {
        const w = t.charCodeAt(i);
        if (w === SPACE || w === TAB || w === LF || w === CR) i++;
        else break;
      }
      this.tokStart = i;
      if (i >= n) {
        this.tok = EOF;
        this.tokEnd = this.pos = n;
        return;
      }
      const c = t.charCodeAt(i);
      let tok = -1;
      switch (c) {
        case OPEN_BRACE:
          tok = LBRACE;
          break;
        case CLOSE_BRACE:
          tok = RBRACE;
          break;
        case OPEN_BRACKET:
          tok = LBRACK;
          break;
        case CLOSE_BRACKET:
          tok = RBRACK;
          break;
        case COLON:
          tok = TCOLON;
          break;
        case COMMA:
          tok = TCOMMA;
          break;
      }
      if (tok >= 0) {
        this.tok = tok;
        this.tokEnd = this.pos = i + 1;
        return;
      }
      if (c === QUOTE) {
        this.tok = STRING;
        this.tokEnd = this.pos = this.scanString(i);
        return;
      }
      if (c === 39) {
        this.tok = SQSTRING;
        this.tokEnd = this.pos = this.scanSingleQuoted(i);
        this.own.push({ kind: 'single-quotes', offset: i, length: this.tokEnd - i });
        return;
      }
      if (c === 47 && (t.charCodeAt(i + 1) === 47 || t.charCodeAt(i + 1) === 42)) {
        if (t.charCodeAt(i + 1) === 47) {
          let j = i + 2;
          while (j < n && t.charCodeAt(j) !== LF && t.charCodeAt(j) !== CR) j++;
          this.leading.push({ kind: 'comment', offset: i, length: j - i });
          i = j;
        } else {
          const close = t.indexOf('*/', i + 2);
          const j = close < 0 ? n : close + 2;
          this.leading.push({ kind: close < 0 ? 'unterminated-comment' : 'comment', offset: i, length: j - i });
          i = j;
        }
        continue;
      }
      if (isDigit(c) || c === 45 || ((c === 43 || c === 46) && isDigit(t.charCodeAt(i + 1)))) {
        let j = i + 1;
        for (; j < n; j++) {
          const d = t.charCodeAt(j);
          if (!(isDigit(d) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
        }
        this.tok = NUMBER;
        this.tokEnd = this.pos = j;
        if (!NUMBER_RE.test(t.slice(i, j))) this.own.push({ kind: 'invalid-number', offset: i, length: j - i });
        return;
      }
      if (isIdentStart(c)) {
        let j = i + 1;
        while (j < n && isIdentPart(t.charCodeAt(j))) j++;
        const word = t.slice(i, j);
        this.tokEnd = this.pos = j;
        if (word === 'true' || word === 'false' || word === 'null') this.tok = LITERAL;
        else {
          this.tok = BADWORD;
          this.own.push({ kind: 'bad-word', offset: i, length: j - i });
        }
        return;
      }
      if (c === 0xfeff) {
        this.leading.push({ kind: 'bom', offset: i, length: 1 });
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n && !endsJunk(t.charCodeAt(j))) j++;
      this.leading.push({ kind: 'unexpected-char', offset: i, length: j - i });
      i = j;
    }
  }

  /** `i` at a double quote: the end of the string token (errors go to `own`). */
  private scanString(i: number): number {
    const t = this.text;
    const n = t.length;
    const start = i;
    i++;
    for (;;) {
      if (i >= n) {
        this.own.push({ kind: 'unterminated-string', offset: start, length: n - start });
        return n;
      }
      const c = t.charCodeAt(i);
      if (c === QUOTE) return i + 1;
      if (c === BACKSLASH) {
        const e = t.charCodeAt(i + 1);
        if (e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
        else if (e === 117) {
          let k = 0;
          while (k < 4 && isHex(t.charCodeAt(i + 2 + k))) k++;
          if (k < 4) this.own.push({ kind: 'invalid-unicode', offset: i, length: 2 + k });
          i += 2 + k;
        } else if (i + 1 >= n || e === LF || e === CR) {
          i++;
        } else {
          const len = e >= 0xd800 && e <= 0xdbff ? 3 : 2;
          this.own.push({ kind: 'invalid-escape', offset: i, length: len });
          i += len;
        }
      } else if (c === LF || c === CR) {
        this.own.push({ kind: 'unterminated-string', offset: start, length: i - start });
        return i;
      } else if (c < 0x20) {
        this.own.push({ kind: 'control-char', offset: i, length: 1 });
        i++;
      } else i++;
    }
  }

  private scanSingleQuoted(i: number): number {
    const t = this.text;
    const n = t.length;
    for (i++; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === 39) return i + 1;
      else if (c === LF || c === CR) return i;
    }
    return n;
  }

  // -------------------------------------------------------------- issues

  private path(extra?: string | number): (string | number)[] {
    const out: (string | number)[] = [];
    const fs = this.frames;
    const last = Math.min(fs.length, MAX_PATH + 2);
    for (let k = 2; k < last; k++) {
      const seg = (fs[k] as Frame).seg;
      if (seg !== undefined) out.push(seg);
    }
    const top = fs[fs.length - 1] as Frame;
    if (extra !== undefined) out.push(extra);
    else if (top.kind === K_OBJ && top.key !== undefined && (top.state === S_COLON || top.state === S_VALUE)) out.push(top.key);
    return out;
  }

  private record(kind: SyntaxKind, offset: number, length: number, extra?: string | number, more?: Partial<SyntaxIssue>): void {
    this.errorCount++;
    this.reportable++;
    if (this.issues.length < this.maxIssues) this.issues.push({ kind, offset, length, path: this.path(extra), ...more });
  }

  /** A scanner-found problem: always reported; following parser errors are cascades until back on track. */
  private flush(list: PendingIssue[], extra?: string | number): void {
    for (const p of list) this.record(p.kind, p.offset, p.length, extra);
    if (list.length) this.panic = true;
    list.length = 0;
  }

  /** A parser error: reported unless it follows another error with nothing parsed in between. */
  private error(kind: SyntaxKind, offset: number, length: number, more?: Partial<SyntaxIssue>): void {
    if (this.panic) {
      this.errorCount++;
      return;
    }
    this.panic = true;
    this.record(kind, offset, length, undefined, more);
  }

  /** Move past the current token. */
  private advance(normal: boolean): void {
    if (normal) this.panic = false;
    this.lastEnd = this.tokEnd;
    this.scan();
  }

  // -------------------------------------------------------------- parser

  private newFrame(kind: number, state: number, start: number, seg: string | number | undefined, items: TolerantItem[] | null): Frame {
    return {
      kind,
      state,
      start,
      errorsAtStart: this.errorCount,
      seg,
      mKey: undefined,
      mKeyStart: -1,
      mKeyEnd: -1,
      key: undefined,
      keyStart: -1,
      keyEnd: -1,
      index: -1,
      afterComma: false,
      commaAt: -1,
      items,
      recorded: false,
    };
  }

  /** Begin the value at the current token inside `f` (a root, object or array frame). */
  private beginValue(f: Frame): void {
    const seg = f.kind === K_OBJ ? f.key : f.kind === K_ARR ? f.index : undefined;
    const recordIt = f.items !== null && (f.kind !== K_OBJ || f.key !== undefined);
    const tok = this.tok;
    const start = this.tokStart;
    if (tok === LBRACE || tok === LBRACK) {
      const depth = this.frames.length; // 1 = this is the root value
      const parentIsRootObject = depth === 2 && f.kind === K_OBJ;
      const items = depth === 1 || (parentIsRootObject && tok === LBRACK) ? [] : null;
      const fr = this.newFrame(tok === LBRACE ? K_OBJ : K_ARR, tok === LBRACE ? S_KEY : S_ELEM, start, seg, items);
      if (recordIt) {
        fr.recorded = true;
        fr.mKey = f.kind === K_OBJ ? f.key : undefined;
        fr.mKeyStart = f.keyStart;
        fr.mKeyEnd = f.keyEnd;
      }
      this.frames.push(fr);
      if (this.frames.length - 1 > this.maxDepth && this.firstTooDeep < 0) this.firstTooDeep = start;
      this.advance(true);
      return;
    }
    const before = this.errorCount;
    this.flush(this.own, seg);
    const broken = this.errorCount > before;
    if (recordIt && f.items) {
      const item: TolerantItem = { start, end: this.tokEnd, broken, kind: 'scalar' };
      if (f.kind === K_OBJ) {
        item.key = f.key;
        item.keyStart = f.keyStart;
        item.keyEnd = f.keyEnd;
      }
      f.items.push(item);
    }
    this.advance(!broken);
  }

  /** Close the innermost container; `consumed` when the current token is its closer. */
  private close(consumed: boolean): void {
    const fr = this.frames.pop() as Frame;
    const end = consumed ? this.tokEnd : Math.max(this.lastEnd, fr.start + 1);
    const parent = this.frames[this.frames.length - 1] as Frame;
    if (fr.recorded && parent.items) {
      const item: TolerantItem = { start: fr.start, end, broken: this.errorCount > fr.errorsAtStart, kind: fr.kind === K_OBJ ? 'object' : 'array' };
      if (fr.mKey !== undefined) {
        item.key = fr.mKey;
        item.keyStart = fr.mKeyStart;
        item.keyEnd = fr.mKeyEnd;
      }
      if (fr.items) item.items = fr.items;
      parent.items.push(item);
    }
    if (consumed) this.advance(true);
  }

  private unclosed(f: Frame): void {
    const container = f.kind === K_OBJ ? 'object' : 'array';
    this.error('unclosed', f.start, 1, { openedAt: f.start, container });
    this.close(false);
  }

  /** A closer of the other kind: close `f` if an enclosing container matches, else skip the token. */
  private mismatch(f: Frame): void {
    const want = this.tok === RBRACE ? K_OBJ : K_ARR;
    let matches = false;
    for (let k = this.frames.length - 2; k >= 1; k--) if ((this.frames[k] as Frame).kind === want) matches = true;
    if (matches) {
      this.error('mismatched-close', this.tokStart, 1, { openedAt: f.start, container: f.kind === K_OBJ ? 'object' : 'array' });
      this.close(false);
    } else {
      this.error('unexpected-close', this.tokStart, 1);
      this.advance(false);
    }
  }

  private keyText(): string {
    const t = this.text;
    if (this.tok === STRING) {
      const end = t.charCodeAt(this.tokEnd - 1) === QUOTE && this.tokEnd - this.tokStart >= 2 ? this.tokEnd : this.tokEnd + 1;
      return decodeKey(t, this.tokStart, end);
    }
    if (this.tok === SQSTRING) return t.slice(this.tokStart + 1, t.charCodeAt(this.tokEnd - 1) === 39 ? this.tokEnd - 1 : this.tokEnd);
    return t.slice(this.tokStart, this.tokEnd);
  }

  parse(): TolerantResult {
    const root = this.newFrame(K_ROOT, S_ROOT, 0, undefined, []);
    this.frames.push(root);
    this.scan();
    for (;;) {
      const f = this.frames[this.frames.length - 1] as Frame;
      if (this.leading.length) this.flush(this.leading);
      const tok = this.tok;
      const len = this.tokEnd - this.tokStart;
      const valueStart = tok === LBRACE || tok === LBRACK || tok === STRING || tok === NUMBER || tok === LITERAL || tok === BADWORD || tok === SQSTRING;
      switch (f.state) {
        case S_ROOT:
          if (valueStart) {
            f.state = S_ROOT_END;
            this.beginValue(f);
          } else if (tok === EOF) {
            this.error('value-expected', this.tokStart, 0);
            return this.result();
          } else {
            this.error(tok === RBRACE || tok === RBRACK ? 'unexpected-close' : 'value-expected', this.tokStart, len);
            this.advance(false);
          }
          break;
        case S_ROOT_END:
          if (tok !== EOF) {
            this.panic = false;
            this.error('end-expected', this.tokStart, len);
          }
          return this.result();
        case S_KEY:
          if (tok === STRING || tok === BADWORD || tok === SQSTRING) {
            f.key = this.keyText();
            f.keyStart = this.tokStart;
            f.keyEnd = this.tokEnd;
            f.afterComma = false;
            f.state = S_COLON;
            const clean = this.own.length === 0;
            this.flush(this.own);
            this.advance(clean);
          } else if (tok === RBRACE) {
            if (f.afterComma) this.error('trailing-comma', f.commaAt, 1);
            this.close(true);
          } else if (tok === TCOMMA) {
            this.error('property-name-expected', this.tokStart, len);
            f.afterComma = true;
            f.commaAt = this.tokStart;
            this.advance(false);
          } else if (tok === EOF) this.unclosed(f);
          else if (tok === RBRACK) this.mismatch(f);
          else if (tok === TCOLON) {
            this.error('property-name-expected', this.tokStart, len);
            this.advance(false);
          } else {
            // a value with no name: read it, but it belongs to no member
            this.error('property-name-expected', this.tokStart, len);
            f.key = undefined;
            f.afterComma = false;
            f.state = S_OBJ_NEXT;
            this.beginValue(f);
          }
          break;
        case S_COLON:
          if (tok === TCOLON) {
            f.state = S_VALUE;
            this.advance(true);
          } else if (valueStart) {
            this.error('colon-expected', this.tokStart, len);
            f.state = S_OBJ_NEXT;
            this.beginValue(f);
          } else if (tok === TCOMMA || tok === RBRACE) {
            this.error('colon-expected', this.tokStart, len);
            f.key = undefined;
            f.state = S_OBJ_NEXT;
          } else if (tok === EOF) this.unclosed(f);
          else this.mismatch(f);
          break;
        case S_VALUE:
          if (valueStart) {
            f.state = S_OBJ_NEXT;
            this.beginValue(f);
          } else if (tok === TCOMMA || tok === RBRACE) {
            this.error('value-expected', this.tokStart, len);
            f.key = undefined;
            f.state = S_OBJ_NEXT;
          } else if (tok === TCOLON) {
            this.error('value-expected', this.tokStart, len);
            this.advance(false);
          } else if (tok === EOF) this.unclosed(f);
          else this.mismatch(f);
          break;
        case S_OBJ_NEXT:
          if (tok === TCOMMA) {
            f.afterComma = true;
            f.commaAt = this.tokStart;
            f.key = undefined;
            f.state = S_KEY;
            this.advance(true);
          } else if (tok === RBRACE) this.close(true);
          else if (valueStart) {
            this.error('comma-expected', this.tokStart, len);
            f.key = undefined;
            f.afterComma = false;
            f.state = S_KEY;
          } else if (tok === TCOLON) {
            this.error('comma-expected', this.tokStart, len);
            this.advance(false);
          } else if (tok === EOF) this.unclosed(f);
          else this.mismatch(f);
          break;
        case S_ELEM:
          if (valueStart) {
            f.afterComma = false;
            f.state = S_ARR_NEXT;
            f.index++;
            this.beginValue(f);
          } else if (tok === RBRACK) {
            if (f.afterComma) this.error('trailing-comma', f.commaAt, 1);
            this.close(true);
          } else if (tok === TCOMMA || tok === TCOLON) {
            this.error('value-expected', this.tokStart, len);
            if (tok === TCOMMA) {
              f.afterComma = true;
              f.commaAt = this.tokStart;
            }
            this.advance(false);
          } else if (tok === EOF) this.unclosed(f);
          else this.mismatch(f);
          break;
        case S_ARR_NEXT:
          if (tok === TCOMMA) {
            f.afterComma = true;
            f.commaAt = this.tokStart;
            f.state = S_ELEM;
            this.advance(true);
          } else if (tok === RBRACK) this.close(true);
          else if (valueStart) {
            this.error('comma-expected', this.tokStart, len);
            f.afterComma = false;
            f.state = S_ELEM;
          } else if (tok === TCOLON) {
            this.error('comma-expected', this.tokStart, len);
            this.advance(false);
          } else if (tok === EOF) this.unclosed(f);
          else this.mismatch(f);
          break;
      }
    }
  }

  private result(): TolerantResult {
    const rootFrame = this.frames[0] as Frame;
    return { root: rootFrame.items?.[0] ?? null, issues: this.issues, errorCount: this.errorCount, reportable: this.reportable, firstTooDeep: this.firstTooDeep };
  }
}

/**
 * Parse possibly invalid JSON without recursion: every syntax error (the first `maxIssues`
 * kept, cascades suppressed) and an outline of the root value, whose members and elements
 * (and the elements of arrays that are root members) are marked broken when an error lies inside.
 * Reports no error exactly when JSON.parse accepts the text.
 */
export function parseTolerant(text: string, maxIssues = 100, maxDepth = Number.MAX_SAFE_INTEGER): TolerantResult {
  return new TolerantParser(text, maxIssues, maxDepth).parse();
}
