/** Parsed values of pieces of the text, and JSON pointers into them. */
/** What JSON.parse made of a piece of the text; BROKEN when it does not parse. */
export const BROKEN: unique symbol = Symbol('unparsable');
export type Value = unknown;

export function isPlainObject(v: Value): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function escapePointer(seg: string | number): string {
  return typeof seg === 'number' ? String(seg) : seg.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** RFC 6901 pointer: `base` followed by the escaped segments of `path`. */
export function pointerOf(base: string, path: readonly (string | number | symbol)[]): string {
  let p = base;
  for (const s of path) p += `/${escapePointer(typeof s === 'symbol' ? String(s) : s)}`;
  return p;
}

/** The value at `path` inside `v` (own properties only), or undefined. */
export function valueAt(v: Value, path: readonly PropertyKey[]): Value {
  let cur = v;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, s)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[s];
  }
  return cur;
}

/** JSON.parse of text[start, end), or BROKEN. */
export function tryParse(text: string, start: number, end: number): Value {
  try {
    return JSON.parse(text.slice(start, end)) as Value;
  } catch {
    return BROKEN;
  }
}
