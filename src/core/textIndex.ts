/**
 * Offsets ↔ 1-based line/column, counted the way VS Code counts them:
 * offsets and columns are UTF-16 code units (an astral character such as an emoji is 2),
 * and a line ends at "\r\n", "\n" or a lone "\r" (U+2028/U+2029 do not end a line).
 */

/** A line/column pair; both are 1-based, column in UTF-16 code units. */
export interface LineColumn {
  line: number;
  column: number;
}

/** Offsets at which each line starts (the first is always 0). */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf('\r') < 0) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  let nl = text.indexOf('\n');
  let cr = text.indexOf('\r');
  while (nl >= 0 || cr >= 0) {
    if (cr >= 0 && (nl < 0 || cr < nl)) {
      // "\r\n" is one break; a lone "\r" is a break of its own.
      const end = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      starts.push(end);
      if (end === cr + 2) nl = text.indexOf('\n', end);
      cr = text.indexOf('\r', end);
    } else {
      starts.push(nl + 1);
      nl = text.indexOf('\n', nl + 1);
    }
  }
  return starts;
}

/**
 * The line table of one text, built on first use. Holds the text privately (so that serialising
 * an object that carries a LineIndex never copies it) and only until the table is built: after
 * that the index keeps just the line starts, and a large text it was built from can be freed.
 */
export class LineIndex {
  #text: string | undefined;
  readonly #length: number;
  #starts: number[] | undefined;

  constructor(text: string) {
    this.#text = text;
    this.#length = text.length;
  }

  /** Length of the text, in UTF-16 code units. */
  get length(): number {
    return this.#length;
  }

  /** Offsets where each line starts; computed once. */
  get lineStarts(): readonly number[] {
    if (!this.#starts) {
      this.#starts = computeLineStarts(this.#text ?? '');
      this.#text = undefined;
    }
    return this.#starts;
  }

  /**
   * Take the line starts a scan of the whole text already found (jsonScan.Tracker with a
   * `starts` array), instead of finding them again on first use. They must be exactly what
   * computeLineStarts(text) gives.
   */
  adopt(starts: number[]): void {
    if (this.#starts) return;
    this.#starts = starts;
    this.#text = undefined;
  }

  /**
   * Build the table now and let go of the text: for a model that outlives its text (a scoring
   * run keeps the file model, not the text, while it waits for the server).
   */
  detach(): void {
    void this.lineStarts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  positionAt(offset: number): LineColumn {
    const starts = this.lineStarts;
    const o = Math.max(0, Math.min(Math.floor(offset), this.#length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (starts[lo] as number) + 1 };
  }

  /** 0-based offset of a 1-based line/column (clamped to the line and the text). */
  offsetAt(line: number, column: number): number {
    const starts = this.lineStarts;
    const li = Math.max(0, Math.min(line - 1, starts.length - 1));
    const start = starts[li] as number;
    const next = li + 1 < starts.length ? (starts[li + 1] as number) : this.#length;
    return Math.max(start, Math.min(start + column - 1, next));
  }
}

/**
 * UTF-8 size of a string in bytes (lone surrogates count 3, as the encoder writes U+FFFD for them).
 * Native (Buffer.byteLength) where available; otherwise counted, stopping once `stopAfter` is passed.
 */
export function utf8ByteLength(text: string, stopAfter = Infinity): number {
  const B = (globalThis as { Buffer?: { byteLength(s: string, enc: 'utf8'): number } }).Buffer;
  if (B) return B.byteLength(text, 'utf8');
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > stopAfter) return bytes;
  }
  return bytes;
}
