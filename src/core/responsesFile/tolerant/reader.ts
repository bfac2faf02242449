/**
 * One reading of possibly invalid JSON by jsonc-parser's error-tolerant parser (Reader): the
 * outline of the root value, and jsonc-parser's errors as syntax issues with cascades left out.
 * What each parser error means is worked out in parseErrors.ts.
 */
import { visit } from 'jsonc-parser';
import { JSON_OPTIONS } from '../locate';
import { netDepth, nextToken } from './lexical';
import { onParseError, type ReadingState } from './parseErrors';
import type { Frame, PathHint, Repair, SyntaxIssue, SyntaxKind, TolerantItem, TolerantRead } from './types';

const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * One reading of `src` (the text, or the text with repairs) by jsonc-parser. Offsets it gives are
 * mapped to `text` with `toText`; everything reported is about `text`. The repair for the first
 * mistake that makes jsonc-parser lose its place is added to `repairs` (when given).
 */
export function readPass(text: string, src: string, toText: (x: number) => number, maxIssues: number, maxDepth: number, repairs: Repair[] | null): TolerantRead {
  return new Reader(text, maxIssues, maxDepth, repairs).read(src, toText);
}

/** The state of one reading, updated as jsonc-parser reports what it reads. */
export class Reader implements ReadingState {
  readonly frames: Frame[] = [];
  private readonly issues: SyntaxIssue[] = [];
  private root: TolerantItem | null = null;
  /** The root value has ended. */
  rootDone = false;
  /** Every error jsonc-parser reported. */
  errorCount = 0;
  private reportable = 0;
  private tooDeepAt = -1;
  /** An error was reported and no token has been read since: the next parser error is a cascade. */
  panic = false;
  lastErrorAt = -1;
  /** Offset of a "," that is the last token read, else -1 (a closer right after it is a trailing comma). */
  commaAt = -1;
  /** Offset of the last token with an error of its own: a value read from it is broken. */
  tokenErrorAt = -1;
  /** A closer of the wrong kind was met; jsonc-parser skips it, so containers left open at the end are cascades. */
  misclosed = false;
  /** Text after the root value was reported. */
  endReported = false;
  /** End of a single-quoted string already reported: errors inside it are cascades. */
  quotedUntil = -1;
  /** The container that ended last (for "never closed", which jsonc-parser reports after ending it). */
  ended: Frame | undefined;
  /** Where jsonc-parser started skipping tokens after an error (-1 when it is not). */
  private skipFrom = -1;
  /**
   * Brackets it skipped, opening minus closing: while not 0 it reads at the wrong level, so
   * nothing is recorded, and what it finds still open at the end is a cascade.
   */
  private drift = 0;
  private lost = false;
  /** Repairs for the error just met; kept only if the skip after it loses jsonc-parser its place. */
  private readonly pending: Repair[] = [];
  private repaired = false;

  constructor(
    readonly text: string,
    private readonly maxIssues: number,
    private readonly maxDepth: number,
    private readonly repairs: Repair[] | null,
  ) {}

  /** Read `src`, whose offsets `toText` maps to the text's. */
  read(src: string, toText: (x: number) => number): TolerantRead {
    // jsonc-parser's offsets are into `src`; everything else works on offsets into the text.
    const closeAt = (offset: number, length: number): void => {
      const o = toText(offset);
      this.close(o, toText(offset + length) - o, length > 0);
    };
    try {
      visit(
        src,
        {
          onObjectBegin: (offset) => this.open('object', toText(offset)),
          onArrayBegin: (offset) => this.open('array', toText(offset)),
          onObjectEnd: closeAt,
          onArrayEnd: closeAt,
          onObjectProperty: (name, offset, length) => this.property(name, toText(offset), toText(offset + length)),
          onLiteralValue: (_value, offset, length) => this.literal(toText(offset), toText(offset + length)),
          onSeparator: (ch, offset) => this.separator(ch, toText(offset)),
          onError: (code, offset, length) => {
            const o = toText(offset);
            this.errorCount++;
            // (an unterminated block comment at the very end is one character longer than the text)
            onParseError(this, code, o, toText(Math.min(offset + length, src.length)) - o);
          },
        },
        JSON_OPTIONS,
      );
    } catch (e) {
      if (e !== TOO_DEEP) throw e;
      return { root: null, issues: [], reportable: 0, errorCount: this.errorCount, tooDeepAt: this.tooDeepAt };
    }
    if (this.skipFrom >= 0) this.settle(this.text.length);
    // Reading ended at the error (a stray token where the root value belongs): that is the one to repair.
    else if (!this.lost) this.commit();
    const { root, issues, reportable, errorCount, tooDeepAt } = this;
    return { root, issues: issues.sort((a, b) => a.offset - b.offset), reportable, errorCount, tooDeepAt };
  }

  // ---------------------------------------------------------------- the structure read

  top(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  private readToken(offset: number): void {
    this.settle(offset);
    this.pending.length = 0; // a token read: no skip followed the error, nothing to repair
    if (offset > this.lastErrorAt) this.panic = false;
    this.commaAt = -1;
  }

  /**
   * Where the reading is: the names and indices of the containers open, and the member being
   * read; with `extra`, in an array, the index of the last element begun plus `extra`.
   */
  path(extra?: number): (string | number)[] {
    const frames = this.frames;
    const out: (string | number)[] = [];
    for (let k = 1; k < frames.length; k++) {
      const seg = (frames[k] as Frame).seg;
      if (seg !== undefined) out.push(seg);
    }
    const f = this.top();
    if (f?.kind === 'object' && f.key !== undefined) out.push(f.key);
    if (extra !== undefined && f?.kind === 'array') out.push(f.index + extra);
    return out;
  }

  /** Record a value beginning at `offset` in the current container (or as the root). */
  private begin(kind: TolerantItem['kind'], offset: number, end: number): TolerantItem | undefined {
    const f = this.top();
    if (f?.kind === 'array') f.index++;
    else if (f) f.hasValue = true;
    if (!f) {
      if (this.root) return undefined;
      return (this.root = { start: offset, end, kind, broken: false });
    }
    // Once the reader has lost its place, what it reads as members or elements may be parts of them.
    if (!f.records || this.lost) return undefined;
    const item: TolerantItem = { start: offset, end, kind, broken: false };
    if (f.kind === 'object') {
      item.key = f.key;
      item.keyStart = f.keyStart;
      item.keyEnd = f.keyEnd;
    }
    f.item?.items?.push(item);
    return item;
  }

  /**
   * A member of `f` that has a name but no value jsonc-parser could read: recorded as broken, so
   * that it counts as present (its name was given; the syntax error says what is wrong).
   */
  private noValue(f: Frame | undefined): void {
    if (!f || f.kind !== 'object' || f.key === undefined || f.hasValue) return;
    f.hasValue = true;
    if (f.records && !this.lost) f.item?.items?.push({ key: f.key, keyStart: f.keyStart, keyEnd: f.keyEnd, start: f.keyEnd, end: f.keyEnd, kind: 'scalar', broken: true });
  }

  /** A value ended in the current container (or at the root). */
  private valueDone(): void {
    const f = this.top();
    if (!f) this.rootDone = true;
    else if (f.kind === 'object') f.key = undefined;
  }

  private open(kind: 'object' | 'array', offset: number): void {
    this.readToken(offset);
    const frames = this.frames;
    const parent = this.top();
    const item = this.begin(kind, offset, offset + 1);
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
      errorsAtStart: this.errorCount,
      item,
      records,
    });
    if (frames.length > this.maxDepth) {
      this.tooDeepAt = offset;
      throw TOO_DEEP;
    }
  }

  /** `closed`: at its closer; at the end of the text jsonc-parser ends what is still open, with no closer. */
  private close(offset: number, length: number, closed: boolean): void {
    this.settle(offset);
    if (closed) this.pending.length = 0;
    this.noValue(this.top());
    const f = this.frames.pop() as Frame;
    this.ended = f;
    if (closed) {
      this.panic = false;
      this.commaAt = -1;
    }
    if (f.item) {
      f.item.end = offset + length;
      f.item.broken = !closed || this.errorCount > f.errorsAtStart;
    }
    this.valueDone();
  }

  private property(name: string, offset: number, end: number): void {
    this.readToken(offset);
    const f = this.top();
    if (!f) return;
    this.noValue(f);
    f.key = name;
    f.keyStart = offset;
    f.keyEnd = end;
    f.hasValue = false;
  }

  private literal(offset: number, end: number): void {
    this.readToken(offset);
    const item = this.begin('scalar', offset, end);
    if (item) item.broken = this.tokenErrorAt === offset;
    this.valueDone();
  }

  private separator(ch: string, offset: number): void {
    this.readToken(offset);
    if (ch !== ',') return;
    this.commaAt = offset;
    const f = this.top();
    this.noValue(f);
    if (f?.kind === 'object') f.key = undefined;
  }

  /** Whether the token [s, end) sits where a member name belongs and a ":" follows it. */
  isKey(s: number, end: number): boolean {
    const f = this.top();
    return s < end && f?.kind === 'object' && f.key === undefined && this.text.charCodeAt(nextToken(this.text, end)) === 58;
  }

  // ---------------------------------------------------------------- errors

  /** Count an issue; keep it (with its path, worked out only then) when there is room. */
  private add(issue: Omit<SyntaxIssue, 'path'>, p: PathHint): SyntaxIssue {
    this.reportable++;
    const full = issue as SyntaxIssue;
    if (this.issues.length < this.maxIssues) {
      full.path = Array.isArray(p) ? p : this.path(p);
      this.issues.push(full);
    }
    return full;
  }

  /**
   * An error in a token itself: always reported; the parser errors that follow are cascades until
   * a token is read. `p`: the path, or what path() needs to work it out.
   */
  tokenError(kind: SyntaxKind, offset: number, length: number, p?: PathHint): SyntaxIssue | undefined {
    this.panic = true;
    this.lastErrorAt = Math.max(this.lastErrorAt, offset);
    this.tokenErrorAt = offset;
    if (offset < this.quotedUntil) return undefined;
    return this.add({ kind, offset, length }, p);
  }

  /** An error in the structure: reported unless it is a cascade. */
  parserError(issue: Omit<SyntaxIssue, 'path'>, at: number, p?: (string | number)[]): SyntaxIssue | undefined {
    const cascade = this.panic || at < this.quotedUntil;
    this.panic = true;
    this.lastErrorAt = Math.max(this.lastErrorAt, at);
    return cascade ? undefined : this.add(issue, p);
  }

  // ---------------------------------------------------------------- repairs

  /** The skip that began at skipFrom ended at `o`. */
  settle(o: number): void {
    if (this.skipFrom < 0) return;
    const net = netDepth(this.text, this.skipFrom, o);
    if (net !== 0 && this.drift === 0) this.commit();
    this.drift += net;
    this.lost = this.drift !== 0;
    if (this.lost) this.misclosed = true;
    this.skipFrom = -1;
    this.pending.length = 0;
  }

  private commit(): void {
    if (this.repairs && this.pending.length && !this.repaired) {
      this.repairs.push(...this.pending);
      this.repaired = true;
    }
  }

  /** jsonc-parser skips tokens from `o` (after an error). */
  skipsFrom(o: number): void {
    if (this.skipFrom < 0) this.skipFrom = o;
  }

  /** Note a repair for the error just met (not for errors met while skipping). */
  repair(r: Repair): void {
    if (this.repairs && !this.lost && !this.repaired && this.skipFrom < 0) this.pending.push(r);
  }
}
