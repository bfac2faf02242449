/**
 * JSON bodies on the wire, without the copies a large run would cost: a request written as UTF-8
 * bytes a response at a time (jsonBytes), a large reply parsed piece by piece (parseJsonPiecewise),
 * and echoed response contents that share the strings that were sent (shareEchoedContent).
 * Each path gives exactly what JSON.stringify / JSON.parse would.
 */
import { parseUtf8Json } from './utf8Json';

/** The reply's text as undici's body.text() gives it: UTF-8, a leading byte order mark skipped. */
export function replyText(bytes: Buffer): string {
  return bytes.toString('utf8', hasBom(bytes) ? 3 : 0);
}

export function hasBom(b: Buffer): boolean {
  return b.length > 2 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/**
 * Replies at least this large are parsed piece by piece (parseJsonPiecewise): about 30,000
 * scored responses and up. That costs about 40% more time than one JSON.parse (100 MB: 0.7 s
 * instead of 0.5 s) and saves twice the reply's size in heap at the peak.
 */
export const PIECEWISE_MIN_BYTES = 32 * 1024 * 1024;

/** Sees each element of a reply's top-level array `key` (its index in that array) as it is parsed, and returns what to keep in its place. */
export type ElementHook = (key: string, element: unknown, index: number) => unknown;

/**
 * JSON.parse of a reply's bytes, with `hook` applied to every element of its top-level arrays.
 * A large reply is parsed piece by piece (see parseJsonPiecewise); throws as JSON.parse does.
 */
export function parseReply(bytes: Buffer, hook?: ElementHook): unknown {
  const piecewise = bytes.length >= PIECEWISE_MIN_BYTES ? parseJsonPiecewise(bytes, hook) : NOT_PIECEWISE;
  if (piecewise !== NOT_PIECEWISE) return piecewise;
  const json = parseUtf8Json(bytes, hasBom(bytes) ? 3 : 0);
  if (hook) forEachTopLevelElement(json, hook);
  return json;
}

function forEachTopLevelElement(json: unknown, hook: ElementHook): void {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return;
  for (const [key, v] of Object.entries(json)) if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = hook(key, v[i], i);
}

/** What a scored response's content is compared with: a response as it was sent. */
export interface SentResponse {
  prompt_uuid: string;
  turn_number?: number | null;
  content?: unknown;
}

/**
 * A hook for scoring replies: the server echoes each response's `content`. Where the echo equals
 * the content that was sent, the reply takes the sent string instead, so a large run does not
 * hold every response twice (once from the file, once from the reply). Replies are matched by
 * position first (servers answer in the order sent), then by prompt and turn; a different or
 * missing echo is left exactly as it came. `shared` counts the echoes replaced.
 */
export function shareEchoedContent(sent: readonly SentResponse[]): ElementHook & { shared: number } {
  let byPromptTurn: Map<string, string> | undefined;
  const promptTurn = (prompt: unknown, turn: unknown) => `${String(prompt)}\u0000${typeof turn === 'number' ? turn : 1}`;
  const hook: ElementHook & { shared: number } = Object.assign((key: string, element: unknown, index: number) => {
    if (key !== 'responses' && key !== 'items') return element;
    if (!element || typeof element !== 'object') return element;
    const r = element as Record<string, unknown>;
    const echo = r.content;
    if (typeof echo !== 'string') return element;
    const s = sent[index];
    let own = s && s.prompt_uuid === r.prompt_uuid && (s.turn_number ?? 1) === (r.turn_number ?? 1) ? s.content : undefined;
    if (own === undefined) {
      if (!byPromptTurn) {
        byPromptTurn = new Map();
        for (const x of sent) if (typeof x.content === 'string') byPromptTurn.set(promptTurn(x.prompt_uuid, x.turn_number), x.content);
      }
      own = byPromptTurn.get(promptTurn(r.prompt_uuid, r.turn_number));
    }
    if (typeof own === 'string' && own === echo) {
      r.content = own;
      hook.shared++;
    }
    return element;
  }, { shared: 0 });
  return hook;
}

/**
 * JSON.stringify(value) as UTF-8 bytes, without ever holding the whole text: the elements of a
 * top-level array (the responses of a scoring request) are written ARRAY_BATCH at a time. As one
 * string, a request with a single character outside Latin-1 costs two bytes per character (a
 * 60 MB file: 120 MB), only to be thrown away once encoded. Each batch is stringified as an array
 * and encoded at once; its brackets are then cut from the bytes (one ASCII byte each). Appending
 * element texts to one growing string instead made V8 flatten a rope of two-byte pieces for every
 * encode, which cost 2.5 × JSON.stringify of the whole. The bytes are exactly JSON.stringify's.
 */
export function jsonBytes(value: unknown): Buffer {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
  }
  const out = new ByteSink();
  let first = true;
  out.write('{');
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      out.write(`${first ? '' : ','}${JSON.stringify(k)}:`);
      if (!v.length) out.write('[]');
      const batches = batchWeights(v);
      const total = batches.reduce((a, b) => a + b, 0);
      let done = 0;
      for (let i = 0, b = 0; i < v.length; i += ARRAY_BATCH, b++) {
        done += batches[b]!;
        out.writeBatch(JSON.stringify(v.slice(i, i + ARRAY_BATCH)), done / total, i === 0);
      }
      if (v.length) out.write(']');
    } else {
      const json = JSON.stringify(v);
      if (json === undefined) continue;
      out.write(`${first ? '' : ','}${JSON.stringify(k)}:${json}`);
    }
    first = false;
  }
  out.write('}');
  return out.bytes();
}

/**
 * A rough size of each batch of ARRAY_BATCH elements (their strings' lengths plus a little for
 * every other value and key), from which the share of the array written so far is known: the
 * buffer then grows to what that share projects, even when elements grow or shrink along the list.
 */
function batchWeights(list: readonly unknown[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < list.length; i += ARRAY_BATCH) {
    let w = 0;
    for (let j = i; j < Math.min(i + ARRAY_BATCH, list.length); j++) {
      const e = list[j];
      w += 8;
      if (typeof e === 'string') w += e.length;
      else if (e && typeof e === 'object' && !Array.isArray(e)) {
        for (const k in e) {
          const x = (e as Record<string, unknown>)[k];
          w += k.length + 4 + (typeof x === 'string' ? x.length : 8);
        }
      }
    }
    out.push(w);
  }
  return out;
}

/**
 * One buffer that the bytes are encoded into as they are made. It grows to what the share written
 * so far projects for the whole, so it is neither copied at every step nor made of pieces that a
 * final copy would double (a 100,000-response request: 69 MB, held once instead of twice).
 */
class ByteSink {
  private used = 0;
  private buf = Buffer.allocUnsafeSlow(64 * 1024);

  /** Appends `text` as UTF-8; `share` is the part of the whole (0–1) written once it is in. */
  write(text: string, share = 0): void {
    const n = Buffer.byteLength(text, 'utf8');
    if (this.used + n > this.buf.length) {
      // 15 % over the projection: the first batches' bytes per character may not be the rest's.
      const projected = share > 0 ? ((this.used + n) / Math.min(share, 1)) * 1.15 : 0;
      const next = Buffer.allocUnsafeSlow(Math.ceil(Math.max(this.used + n + 64 * 1024, projected, this.buf.length * 1.25)));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /**
   * Appends one batch of an array, written as the array "[a,b]": its "]" is taken back, and after
   * the first batch its "[" becomes a ",", so that "[a,b" + ",c,d" + "]" is the whole array.
   */
  writeBatch(arrayJson: string, share: number, first: boolean): void {
    const at = this.used;
    this.write(arrayJson, share);
    if (!first) this.buf[at] = 0x2c; // ','
    this.used -= 1;
  }

  /** The bytes written; copied to their own buffer only when a quarter or more of it is unused. */
  bytes(): Buffer {
    const written = this.buf.subarray(0, this.used);
    return this.buf.length - this.used > this.buf.length / 4 ? Buffer.from(written) : written;
  }
}

/**
 * Elements stringified and encoded at once. Encoding a fresh two-byte string as UTF-8 costs about
 * four times more per character once it is past about 64 kB (a page of 100 scored responses:
 * 1.1 ms in one piece, 0.2 ms in batches of 32), so batches stay well under that.
 */
const ARRAY_BATCH = 32;
export const PIECE_BYTES = 1024 * 1024;
export const NOT_PIECEWISE: unique symbol = Symbol('not piecewise');

/**
 * JSON.parse(replyText(bytes)) for a large reply whose top level is an object, without ever
 * holding the reply's whole text: the top-level members, and the elements of a member that is
 * an array (a run of about PIECE_BYTES at a time), are cut out of the bytes, decoded and parsed
 * piece by piece. As one string, a reply
 * costs two bytes per character as soon as a single character lies outside Latin-1: twice its
 * size again on top of the parsed objects (a 100 MB run with 100,000 responses: 200 MB).
 * Pieces are cut at ASCII bytes, which never occur inside a multi-byte UTF-8 sequence, so they
 * decode to the same characters as the whole; members are defined as JSON.parse defines them
 * (a repeated key keeps its first place and its last value; "__proto__" is an own property).
 * Anything unexpected returns NOT_PIECEWISE, and the caller parses the whole text, so invalid
 * JSON fails exactly as before. Exported for tests.
 */
export function parseJsonPiecewise(b: Buffer, eachElement?: ElementHook): unknown {
  try {
    let i = skipWs(b, hasBom(b) ? 3 : 0);
    if (b[i] !== 0x7b) return NOT_PIECEWISE;
    const out: Record<string, unknown> = {};
    i = skipWs(b, i + 1);
    if (b[i] === 0x7d) return skipWs(b, i + 1) === b.length ? out : NOT_PIECEWISE;
    for (;;) {
      if (b[i] !== 0x22) return NOT_PIECEWISE;
      const keyEnd = stringEnd(b, i);
      if (keyEnd < 0) return NOT_PIECEWISE;
      const key = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
      i = skipWs(b, keyEnd);
      if (b[i] !== 0x3a) return NOT_PIECEWISE;
      i = skipWs(b, i + 1);
      let value: unknown;
      let end: number;
      if (b[i] === 0x5b) {
        // Elements are parsed a run at a time (about PIECE_BYTES of them), as a small array.
        const arr: unknown[] = [];
        let j = skipWs(b, i + 1);
        if (b[j] === 0x5d) end = j + 1;
        else {
          let runStart = j;
          for (;;) {
            const e = valueEnd(b, j);
            if (e < 0) return NOT_PIECEWISE;
            j = skipWs(b, e);
            const last = b[j] === 0x5d;
            if (!last && b[j] !== 0x2c) return NOT_PIECEWISE;
            if (last || e - runStart >= PIECE_BYTES) {
              for (const v of parseUtf8Json(b, runStart, e, true) as unknown[]) arr.push(eachElement ? eachElement(key, v, arr.length) : v);
              runStart = skipWs(b, j + 1);
            }
            if (last) break;
            j = skipWs(b, j + 1);
          }
          end = j + 1;
        }
        value = arr;
      } else {
        end = valueEnd(b, i);
        if (end < 0) return NOT_PIECEWISE;
        value = parseUtf8Json(b, i, end);
      }
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      i = skipWs(b, end);
      if (b[i] === 0x2c) i = skipWs(b, i + 1);
      else if (b[i] === 0x7d) return skipWs(b, i + 1) === b.length ? out : NOT_PIECEWISE;
      else return NOT_PIECEWISE;
    }
  } catch {
    return NOT_PIECEWISE;
  }
}

export function skipWs(b: Buffer, i: number): number {
  while (i < b.length) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** End (exclusive) of the string whose opening quote is at `i`; -1 when it does not end. */
export function stringEnd(b: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = b.indexOf(0x22, from);
    if (q < 0) return -1;
    let k = q - 1;
    while (k > i && b[k] === 0x5c) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1; // an even number of backslashes: not escaped
    from = q + 1;
  }
}

/** End (exclusive) of the value starting at `i` (not checked: JSON.parse of the piece does that); -1 when there is none or it does not end. */
export function valueEnd(b: Buffer, i: number): number {
  const c = b[i];
  if (c === 0x22) return stringEnd(b, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < b.length; ) {
      const d = b[j];
      if (d === 0x22) {
        j = stringEnd(b, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < b.length) {
    const d = b[j];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    j++;
  }
  return j > i ? j : -1; // no value here (a comma too many, or the end)
}
