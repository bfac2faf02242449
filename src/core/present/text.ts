/**
 * Text from files and servers is hostile on every surface. These helpers make it inert once, in
 * the core, so every adapter (notifications, quick picks, tree, status bar, diagnostics, terminal,
 * webview data) calls the same rule instead of its own copy.
 */

/** C0/C1 controls (terminal escape sequences) and bidi marks and overrides, as a character class's body. */
export const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const CONTROLS = new RegExp(`[${CONTROL_CLASS}]+`, 'g');

/**
 * One character from U+007F up that `oneLine` does not keep as it is: a control, bidi mark or
 * override (CONTROLS) or whitespace (which oneLine folds or trims), the same rule as oneLine's.
 * Written out as one class, which scans about three times faster than its definition,
 * `(?![\u0000-\u007e])[${CONTROL_CLASS}\s]` (the machine formats run it over whole reports); a
 * unit test holds the two equal on every UTF-16 code unit.
 */
export const ACTIVE_ABOVE_ASCII = /[\u007f-\u00a0\u1680\u2000-\u200a\u200e\u200f\u2028-\u202f\u205f\u2066-\u2069\u3000\ufeff]/g;

/**
 * One line of UI text: C0/C1 controls (terminal escape sequences) and bidi marks and overrides
 * become spaces, whitespace is folded, and the result is cut to `max` characters.
 */
export function oneLine(s: string, max = Infinity): string {
  const flat = s.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Untrusted text made inert for every VS Code surface that renders markdown-ish text
 * (notifications, quick pick labels and details, progress titles, status bar, tree labels,
 * diagnostics): one line (see `oneLine`), no link syntax (`[label](target)` loses the adjacency
 * of `](` that the link parsers need), no codicon syntax (`$(name)`), no autolinks (`<https://…>`).
 * The text stays readable; nothing in it can be clicked or rendered as an icon.
 */
export function inert(s: unknown, max = 300): string {
  const text = typeof s === 'string' ? s : String(s ?? '');
  return oneLine(text, max)
    .replace(/\]\s*\(/g, '] (')
    .replace(/\$\(/g, '$ (')
    .replace(/<(?=[a-z][a-z0-9+.-]*:)/gi, '‹');
}

/** A long identifier (run id, request id, thread id) shortened for a message: head…tail, inert. */
export function shortId(id: unknown, max = 24): string {
  const s = inert(id, Infinity);
  if (s.length <= max) return s;
  const tail = 6;
  return `${s.slice(0, max - tail - 1)}…${s.slice(-tail)}`;
}

/**
 * A function that removes every given secret (the API key) from text, for one output channel.
 * Secrets shorter than 8 characters are ignored (they would redact ordinary words).
 */
export function redactor(secrets: Iterable<string | undefined>): (text: string) => string {
  const list = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 8))];
  if (!list.length) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join('«redacted»');
    return out;
  };
}

/** Text for a double-quoted HTML attribute (a webview page's script and style URLs). */
export function htmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A short, one-line description of an untrusted value (a rejected webview message) for the log. */
export function describeValue(raw: unknown, max = 200): string {
  let s: string;
  try {
    s = JSON.stringify(raw) ?? String(raw);
  } catch {
    s = Object.prototype.toString.call(raw);
  }
  return oneLine(s, max);
}
