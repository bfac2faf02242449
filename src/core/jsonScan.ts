/**
 * Fast, allocation-light scanning of JSON text that is already known to be valid
 * (JSON.parse accepted it): where values and array elements start and end, and facts about
 * them. This is the responses file model's fast path; text JSON.parse rejects, and the ranges
 * of single properties, are read by the tolerant reader (responsesFile/tolerant/) with jsonc-parser.
 *
 * The values themselves come from JSON.parse; this module only finds *offsets*, in one
 * linear pass with string bodies skipped by indexOf. Everything here is iterative, so a
 * value nested a million levels deep costs no stack. On invalid text every function still
 * terminates (at worst at the end of the text) but the offsets mean nothing.
 *
 * Offsets are 0-based UTF-16 code units, as String.prototype indices are.
 */

/** JSON's structural characters, as char codes (the same as their UTF-8 bytes). */
export const QUOTE = 34; // "
const BACKSLASH = 92;
export const COMMA = 44;
export const COLON = 58;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
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
    /**
     * When given, the offset where each line starts is appended as the scan passes it (the
     * first, 0, is the caller's): after a scan of the whole of a valid JSON text, exactly
     * computeLineStarts(text), since no line break can lie inside a valid JSON string.
     */
    readonly starts: number[] | null = null,
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
        this.starts?.push(i);
      } else if (c === CR) {
        i += t.charCodeAt(i + 1) === LF ? 2 : 1;
        this.line++;
        this.lineStart = i;
        this.starts?.push(i);
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
    const starts = this.starts;
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
        starts?.push(lineStart);
      } else if (c === CR) {
        line++;
        if (t.charCodeAt(i + 1) === LF) i++;
        lineStart = i + 1;
        starts?.push(lineStart);
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
