/**
 * Text edits on a responses file that keep the person's formatting: jsonc-parser (the library the
 * file model reads with) finds the nodes, and each edit touches only the characters it must.
 * JSON Lines files are edited one line at a time (each line is its own JSON document).
 */
import { findNodeAtLocation, parseTree, type Node, type FormattingOptions } from 'jsonc-parser';

export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

/** The JSON document an offset belongs to: the whole text, or for JSON Lines the line holding it. */
export interface Doc {
  text: string;
  /** Where `text` starts in the file. */
  base: number;
  /** The JSON pointer segments of the document's root within the file's pointers (JSON Lines: the line index). */
  prefix: (string | number)[];
}

export function docAt(text: string, offset: number, jsonLines: boolean): Doc {
  if (!jsonLines) return { text, base: 0, prefix: [] };
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  const line = text.slice(start, end).replace(/\r$/, '');
  const index = text.slice(0, start).split('\n').length - 1;
  return { text: line, base: start, prefix: [index] };
}

/** "/responses/3/ai_refused" → ["responses", 3, "ai_refused"] (RFC 6901, array indexes as numbers). */
export function pointerPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** The node a pointer names inside a document, after dropping the document's own prefix. */
export function nodeAt(doc: Doc, pointer: string): Node | undefined {
  const path = pointerPath(pointer).slice(doc.prefix.length);
  const root = parseTree(doc.text);
  return root ? findNodeAtLocation(root, path) : undefined;
}

export function formatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  const insertSpaces = !indent.startsWith('\t');
  return { eol, insertSpaces, tabSize: insertSpaces ? Math.min(indent.length, 8) : 4 };
}

/**
 * The edit that removes the property or array element a pointer names, with the comma that joins
 * it to a sibling, leaving every other character (and so the person's formatting) as it was.
 */
export function removeAt(doc: Doc, pointer: string): TextEdit[] {
  const node = nodeAt(doc, pointer);
  if (!node?.parent) return [];
  const item = node.parent.type === 'property' ? node.parent : node;
  const siblings = item.parent?.children ?? [];
  const i = siblings.indexOf(item);
  if (i < 0) return [];
  const prev = siblings[i - 1];
  const next = siblings[i + 1];
  const start = prev ? prev.offset + prev.length : item.offset;
  const end = prev ? item.offset + item.length : next ? next.offset : item.offset + item.length;
  return [{ offset: start + doc.base, length: end - start, text: '' }];
}

/** Applies edits (non-overlapping) to text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
