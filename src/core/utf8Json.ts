/**
 * JSON.parse of UTF-8 bytes, faster than decoding them first. Decoding UTF-8 text that is mostly
 * ASCII with characters beyond it here and there (an answer in French, an emoji) runs at about
 * 110 MB/s in V8, eight times slower than JSON.parse of the decoded text, and makes one two-byte
 * string of the whole. Bytes decoded as Latin-1 instead are copied as they are into a one-byte
 * string; JSON.parse of that gives the right structure, numbers and ASCII, and only the strings
 * holding bytes ≥ 0x80 then need decoding as UTF-8 (the bytes of one JSON string lie between two
 * ASCII quotes, and an ASCII byte ends any UTF-8 sequence, so each decodes exactly as it does
 * within the whole). The result is exactly JSON.parse(bytes.toString('utf8')).
 *
 * That holds only when no escape in the text stands for a character ≥ U+0080 (`\u00e9` would be
 * taken for raw bytes) and no object key holds such bytes; then, and when the text is not JSON
 * at all (for JSON.parse's own message), the whole text is decoded as UTF-8 and parsed as before.
 *
 * The walk that decodes those strings costs per string, and decoding everything costs per byte,
 * so the walk pays for small texts (a page of 100 scored responses: 0.38 against 0.88 ms on
 * Node 20, 0.35 against 0.41 on Node 24) and not for large ones, where TextDecoder decodes far
 * faster than it did when this was written (a 10 MB reply: 83 against 82 ms on Node 20, 47
 * against 25 on Node 24, whose TextDecoder runs at 1.5 GB/s). Texts of WALK_MAX_BYTES and more are
 * decoded whole with TextDecoder, which gives exactly what Buffer's UTF-8 decoding gives
 * (replacement characters included; ignoreBOM keeps a U+FEFF as Buffer does).
 */
import * as buffer from 'node:buffer';

const WALK_MAX_BYTES = 2 * 1024 * 1024;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Thrown by the walk when a key holds bytes ≥ 0x80: two different byte keys may decode to one, which JSON.parse merges. */
const HIGH_KEY: unique symbol = Symbol('high key');
const isAscii: ((b: Uint8Array) => boolean) | undefined = (buffer as { isAscii?: (b: Uint8Array) => boolean }).isAscii;

/**
 * JSON.parse of bytes `start` to `end` decoded as UTF-8; with `elements`, of those bytes in
 * brackets (a run of an array's elements, "a,b,c", parsed as "[a,b,c]").
 */
export function parseUtf8Json(b: Buffer, start = 0, end = b.length, elements = false): unknown {
  const bytes = start === 0 && end === b.length ? b : b.subarray(start, end);
  const parse = (encoding: 'latin1' | 'utf8') => {
    const text = encoding === 'utf8' ? decoder.decode(bytes) : bytes.toString('latin1');
    return JSON.parse(elements ? `[${text}]` : text) as unknown;
  };
  if (isAscii?.(bytes)) return parse('latin1');
  if (bytes.length >= WALK_MAX_BYTES || !isAscii || !escapesBelow0x80(bytes)) return parse('utf8');
  try {
    return redecode(parse('latin1'));
  } catch (e) {
    // Not JSON (JSON.parse's message is then about the UTF-8 text), a key to decode, nesting too deep for the walk.
    if (e === HIGH_KEY || e instanceof SyntaxError || e instanceof RangeError) return parse('utf8');
    throw e;
  }
}

/** True when every `\u` escape in the bytes stands for an ASCII character (an escaped backslash followed by "u" counts too: a needless fallback at worst). */
function escapesBelow0x80(b: Buffer): boolean {
  for (let i = b.indexOf('\\u', 0, 'latin1'); i >= 0; i = b.indexOf('\\u', i + 2, 'latin1')) {
    const code = Number.parseInt(b.toString('latin1', i + 2, i + 6), 16);
    if (!(code < 0x80)) return false;
  }
  return true;
}

/** Strings up to this many characters are re-encoded in one buffer kept for the purpose. */
const SCRATCH_CHARS = 64 * 1024;
let scratch: Buffer | undefined;

/**
 * A string read as Latin-1, decoded as UTF-8. Every character of such a string is below U+0100,
 * so it holds one ≥ U+0080 exactly when its UTF-8 length exceeds its length (cheaper to ask than
 * a regular expression). Short strings go through one kept buffer instead of a new one each.
 */
function utf8(s: string): string {
  if (!isHigh(s)) return s;
  if (s.length > SCRATCH_CHARS) return Buffer.from(s, 'latin1').toString('utf8');
  scratch ??= Buffer.allocUnsafe(SCRATCH_CHARS);
  return scratch.toString('utf8', 0, scratch.write(s, 0, 'latin1'));
}

/** Whether a string or key read as Latin-1 holds bytes ≥ 0x80 (see utf8). */
function isHigh(k: string): boolean {
  return Buffer.byteLength(k, 'utf8') !== k.length;
}

function redecode(v: unknown): unknown {
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'object' && v !== null) walk(v as Record<string, unknown>);
  return v;
}

function walk(o: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) {
      const x = o[i];
      if (typeof x === 'string') o[i] = utf8(x);
      else if (typeof x === 'object' && x !== null) walk(x as Record<string, unknown>);
    }
    return;
  }
  for (const k in o) {
    if (isHigh(k)) throw HIGH_KEY;
    const x = o[k];
    if (typeof x === 'string') o[k] = utf8(x);
    else if (typeof x === 'object' && x !== null) walk(x as Record<string, unknown>);
  }
}
