/** The fast path: text that is valid JSON, read in one forward scan with each response checked as it is parsed. */
import { ElementList, skipString, Tracker } from '../jsonScan';
import type { Analysis, Outline, Piece } from './analysis';
import { MAX_NESTING_DEPTH, type FileForm } from './model';
import { checkResponse } from './validate';
import type { Value } from './values';

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
export function fastOutline(an: Analysis, forced: FileForm | undefined): Outline | null {
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
    const entry = checkResponse(an, v, i, end, line, lineStart, tr.colons, tr.deepAt, index, prefix + index, tr.line, tr.lineStart);
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
  // The scan passes every line break of a valid text, so it also builds the line table.
  const lineStarts = [0];
  const tr = new Tracker(text, MAX_NESTING_DEPTH, lineStarts);
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
  an.report.lines.adopt(lineStarts);
  return o;
}
