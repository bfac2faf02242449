/**
 * Ranges inside a value JSON.parse accepted: jsonc-parser's syntax tree of that value alone,
 * built only for values with a problem (the last one is kept, as a value's problems are reported
 * together).
 */
import { parseTree, type Node as JsonNode, type ParseOptions as JsonParseOptions } from 'jsonc-parser';
import type { MemberSpan, Span } from '../jsonScan';
import type { Analysis } from './analysis';

/** jsonc-parser reads strict JSON: no comments, no trailing commas, no empty text. */
export const JSON_OPTIONS: JsonParseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** Where a path leads inside a value; when its last segment names a member, also where the key is. */
export interface Target extends Span {
  keyStart?: number;
  keyEnd?: number;
}

/**
 * jsonc-parser's syntax tree of the value at `at`, which JSON.parse accepted and which is nested
 * at most MAX_NESTING_DEPTH deep (so the recursive parser is safe), with offsets relative to it.
 */
export function treeOf(an: Analysis, at: Span): JsonNode | undefined {
  const t = an.tree;
  if (t && t.start === at.start && t.end === at.end) return t.root;
  const root = parseTree(an.text.slice(at.start, at.end), undefined, JSON_OPTIONS);
  an.tree = { start: at.start, end: at.end, root };
  return root;
}

/** The member of an object node named `key`; the last one when repeated, as JSON.parse keeps the last. */
export function memberNode(obj: JsonNode, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const p of obj.children ?? []) if (p.children?.length === 2 && p.children[0]?.value === key) found = p;
  return found;
}

/**
 * Follow `path` (member names and array indices) from the value at `at`; offsets are into the file.
 * Null when the path does not exist.
 */
export function locate(an: Analysis, at: Span, path: readonly (string | number)[]): Target | null {
  let node = treeOf(an, at);
  let key: JsonNode | undefined;
  for (const seg of path) {
    if (!node) return null;
    if (node.type === 'object') {
      const member = memberNode(node, String(seg));
      key = member?.children?.[0];
      node = member?.children?.[1];
    } else if (node.type === 'array' && typeof seg === 'number') {
      key = undefined;
      node = node.children?.[seg];
    } else return null;
  }
  if (!node) return null;
  const target: Target = { start: at.start + node.offset, end: at.start + node.offset + node.length };
  if (key) {
    target.keyStart = at.start + key.offset;
    target.keyEnd = at.start + key.offset + key.length;
  }
  return target;
}

/** Members of the object at `path` inside the value at `at`, in text order, repeated keys included. */
export function membersAt(an: Analysis, at: Span, path: readonly (string | number)[]): MemberSpan[] {
  let node = treeOf(an, at);
  for (const seg of path) {
    if (node?.type === 'object') node = memberNode(node, String(seg))?.children?.[1];
    else if (node?.type === 'array' && typeof seg === 'number') node = node.children?.[seg];
    else return [];
  }
  const out: MemberSpan[] = [];
  if (node?.type !== 'object') return out;
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v) continue;
    const s = at.start;
    out.push({ key: String(k.value), keyStart: s + k.offset, keyEnd: s + k.offset + k.length, valueStart: s + v.offset, valueEnd: s + v.offset + v.length });
  }
  return out;
}
