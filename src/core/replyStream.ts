/**
 * A large reply parsed as its bytes arrive, so that they are never all held at once: parseReply's
 * result (JSON.parse of the UTF-8 text, with a hook on the elements of top-level arrays) from
 * chunks. A run of 100,000 scored responses is a reply of about 100 MB; gathered whole before
 * parsing, it sat beside the objects parsed from it until the last one was made.
 *
 * The top level must be an object (every list and run the API sends is). Its members are read as
 * parseJsonPiecewise reads them (jsonBody.ts), from a window of the bytes: the elements of an
 * array a run of about PIECE_BYTES at a time, every other value whole. What is parsed is dropped
 * from the window. Pieces are cut at ASCII bytes, which never occur inside a multi-byte UTF-8
 * sequence, so a character split across two chunks is decoded whole. Text whose top level is not
 * an object is gathered and parsed whole at the end, as before. Invalid JSON is found where the
 * reading stops; `end` then throws, as JSON.parse would (the caller words it), and the bytes
 * that follow are only counted.
 */
import { hasBom, PIECE_BYTES, skipWs, stringEnd, valueEnd, parseReply, type ElementHook } from './jsonBody';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './jsonScan';
import { parseUtf8Json } from './utf8Json';

type State = 'start' | 'first-key' | 'key' | 'colon' | 'value' | 'first-element' | 'element' | 'after-member' | 'done';

/** Stops a reading that found text that is not JSON; kept until `end` throws it. */
class NotJson extends SyntaxError {}

export class StreamingReply {
  private state: State = 'start';
  /** Bytes not yet read: the window's unread part, then the chunks that came after it. */
  private window: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes to wait for before reading again (more while one value is larger than a window). */
  private wait: number;
  private readonly out: Record<string, unknown> = {};
  private key = '';
  private array: unknown[] = [];
  private failure: Error | undefined;
  /** Set when the top level is not an object: every byte is kept and parsed whole at the end. */
  private whole: Buffer[] | undefined;
  private received = 0;

  constructor(
    private readonly hook?: ElementHook,
    /** Bytes read at a time (tests make it small). */
    private readonly pieceBytes = PIECE_BYTES,
  ) {
    this.wait = pieceBytes;
  }

  /** Bytes received so far. */
  get length(): number {
    return this.received;
  }

  /** Bytes received and held, not yet parsed. */
  get held(): number {
    return this.window.length + this.pendingBytes + (this.whole?.reduce((n, c) => n + c.length, 0) ?? 0);
  }

  add(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.whole) {
      this.whole.push(chunk);
      return;
    }
    if (this.failure) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.wait) this.read(false);
  }

  /** The parsed reply; throws a SyntaxError when the bytes were not JSON. */
  end(): unknown {
    if (!this.whole && !this.failure) this.read(true);
    if (this.whole) return parseReply(Buffer.concat(this.whole), this.hook);
    if (this.failure) throw this.failure;
    return this.out;
  }

  private read(final: boolean): void {
    const b = this.pending.length ? Buffer.concat([this.window, ...this.pending]) : this.window;
    this.pending = [];
    this.pendingBytes = 0;
    let at: number;
    try {
      at = this.step(b, final);
    } catch (e) {
      this.failure = e instanceof Error ? e : new NotJson(String(e));
      this.window = Buffer.alloc(0);
      return;
    }
    if (this.whole) {
      this.whole.push(b);
      this.window = Buffer.alloc(0);
      return;
    }
    // Keep only the unread part (a copy, so that the window read is freed).
    this.window = at < b.length ? Buffer.from(b.subarray(at)) : Buffer.alloc(0);
    this.wait = Math.max(this.pieceBytes, this.window.length * 2);
    if (final && (this.state !== 'done' || skipWs(this.window, 0) < this.window.length)) this.failure = new NotJson('Unexpected end of JSON input');
  }

  /** Reads `b` as far as it can; returns where the unread part starts. */
  private step(b: Buffer, final: boolean): number {
    let i = 0;
    for (;;) {
      if (this.state === 'start') {
        // A byte order mark is skipped at the start, as replyText skips it.
        if (b.length < 3 && !final) return 0;
        const s = skipWs(b, hasBom(b) ? 3 : 0);
        if (s >= b.length) {
          if (final) throw new NotJson('Unexpected end of JSON input');
          return 0;
        }
        if (b[s] !== OPEN_BRACE) {
          this.whole = [];
          return 0;
        }
        i = s + 1;
        this.state = 'first-key';
        continue;
      }
      i = skipWs(b, i);
      if (i >= b.length) return i;
      const c = b[i];
      switch (this.state) {
        case 'first-key':
          if (c === CLOSE_BRACE) {
            this.state = 'done';
            i++;
          } else this.state = 'key';
          break;
        case 'key': {
          if (c !== QUOTE) throw new NotJson('Expected a property name');
          const end = stringEnd(b, i);
          if (end < 0) return i;
          this.key = JSON.parse(b.toString('utf8', i, end)) as string;
          i = end;
          this.state = 'colon';
          break;
        }
        case 'colon':
          if (c !== COLON) throw new NotJson("Expected ':' after a property name");
          i++;
          this.state = 'value';
          break;
        case 'value': {
          if (c === OPEN_BRACKET) {
            this.array = [];
            i++;
            this.state = 'first-element';
            break;
          }
          const end = valueEnd(b, i);
          // A number or literal that reaches the window's end may go on in the next chunk.
          if (end < 0 || (end >= b.length && !final)) return i;
          this.define(parseUtf8Json(b, i, end));
          i = end;
          this.state = 'after-member';
          break;
        }
        case 'first-element':
          if (c === CLOSE_BRACKET) {
            this.define(this.array);
            i++;
            this.state = 'after-member';
          } else this.state = 'element';
          break;
        case 'element':
          i = this.elements(b, i, final);
          if (this.state === 'element') return i;
          break;
        case 'after-member':
          if (c === COMMA) this.state = 'key';
          else if (c === CLOSE_BRACE) this.state = 'done';
          else throw new NotJson("Expected ',' or '}' after a property value");
          i++;
          break;
        case 'done':
          throw new NotJson('Unexpected non-whitespace character after JSON');
      }
    }
  }

  /**
   * Reads the elements starting at `i` (an element's first byte), a run of about pieceBytes at a
   * time, up to the array's end (state becomes 'after-member') or to the first element not yet
   * whole in `b` (state stays 'element'). Returns where reading stopped.
   */
  private elements(b: Buffer, i: number, final: boolean): number {
    let runStart = i;
    let runEnd = -1;
    let j = i;
    for (;;) {
      const e = valueEnd(b, j);
      if (e < 0) break;
      const k = skipWs(b, e);
      if (k >= b.length) break; // not yet known to be whole (a number may go on) and followed by "," or "]"
      const d = b[k];
      if (d !== COMMA && d !== CLOSE_BRACKET) throw new NotJson("Expected ',' or ']' after an array element");
      runEnd = e;
      if (d === CLOSE_BRACKET) {
        this.flush(b, runStart, runEnd);
        this.define(this.array);
        this.state = 'after-member';
        return k + 1;
      }
      j = skipWs(b, k + 1);
      if (e - runStart >= this.pieceBytes) {
        this.flush(b, runStart, runEnd);
        runStart = j;
        runEnd = -1;
      }
      if (j >= b.length) break;
    }
    if (final) throw new NotJson('Unexpected end of JSON input');
    if (runEnd >= 0) this.flush(b, runStart, runEnd);
    return j;
  }

  /** Parses the run of elements in [start, end) ("a,b,c") and appends them, through the hook. */
  private flush(b: Buffer, start: number, end: number): void {
    const arr = this.array;
    for (const v of parseUtf8Json(b, start, end, true) as unknown[]) arr.push(this.hook ? this.hook(this.key, v, arr.length) : v);
  }

  /** As JSON.parse defines a member: a repeated key keeps its first place and its last value; "__proto__" is an own property. */
  private define(value: unknown): void {
    Object.defineProperty(this.out, this.key, { value, writable: true, enumerable: true, configurable: true });
  }
}
