/**
 * Quick fixes for the file model's own problems, offered only where the fix is certain:
 * - an unknown key: rename it to the key it was surely meant to be ("Did you mean …?"), or remove it;
 * - a boolean or number written as a string ("true", "false", "2"): write the value itself;
 * - a duplicate entry identical to the earlier one: remove the copy.
 */
import { getNodeValue } from 'jsonc-parser';
import type { Problem } from '../responsesFile';
import { docAt, nodeAt, pointerPath, removeAt, type TextEdit } from './jsonEdit';

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The one fix a person most likely wants (VS Code's "preferred" quick fix). */
  preferred: boolean;
}

const BOOLEAN_FIELDS = new Set(['ai_refused', 'exclude_from_scoring', 'continue_thread']);
const INTEGER_FIELDS = new Set(['turn_number']);

export function quickFixes(problem: Pick<Problem, 'code' | 'message' | 'pointer' | 'offset' | 'length' | 'related'>, text: string, jsonLines: boolean): QuickFix[] {
  const doc = docAt(text, problem.offset, jsonLines);
  const field = pointerPath(problem.pointer).at(-1);
  switch (problem.code) {
    case 'unknown-key': {
      const fixes: QuickFix[] = [];
      const suggestion = /Did you mean "([a-z_]+)"\?/.exec(problem.message)?.[1];
      const node = nodeAt(doc, problem.pointer);
      const keyNode = node?.parent?.children?.[0];
      if (suggestion && keyNode && keyNode.type === 'string') {
        fixes.push({ title: `Rename to "${suggestion}"`, edits: [{ offset: keyNode.offset + doc.base, length: keyNode.length, text: JSON.stringify(suggestion) }], preferred: true });
      }
      const remove = removeAt(doc, problem.pointer);
      if (remove.length) fixes.push({ title: `Remove "${String(field)}"`, edits: remove, preferred: !fixes.length });
      return fixes;
    }
    case 'wrong-type':
    case 'bad-value': {
      const node = nodeAt(doc, problem.pointer);
      if (!node || node.type !== 'string' || typeof field !== 'string') return [];
      const s = String(getNodeValue(node)).trim();
      let value: boolean | number | undefined;
      if (BOOLEAN_FIELDS.has(field) && (s === 'true' || s === 'false')) value = s === 'true';
      if (INTEGER_FIELDS.has(field) && /^[1-9]\d{0,8}$/.test(s)) value = Number(s);
      if (value === undefined) return [];
      return [{ title: `Write ${String(value)} (not the string "${s}")`, edits: [{ offset: node.offset + doc.base, length: node.length, text: String(value) }], preferred: true }];
    }
    case 'duplicate': {
      const entryPointer = pointerPath(problem.pointer).length > doc.prefix.length + (jsonLines ? 0 : 1) ? problem.pointer.replace(/\/[^/]+$/, '') : problem.pointer;
      const copy = nodeAt(doc, entryPointer);
      const first = problem.related?.[0];
      if (!copy || copy.type !== 'object' || !first) return [];
      const firstDoc = docAt(text, first.offset, jsonLines);
      const original = sameValueAt(firstDoc, first.offset - firstDoc.base);
      if (original === undefined || JSON.stringify(original) !== JSON.stringify(getNodeValue(copy))) return [];
      if (jsonLines) {
        const end = text.indexOf('\n', doc.base);
        return [{ title: 'Remove this duplicate (it repeats an earlier entry exactly)', edits: [{ offset: doc.base, length: (end < 0 ? text.length : end + 1) - doc.base, text: '' }], preferred: true }];
      }
      const edits = removeAt(doc, entryPointer);
      return edits.length ? [{ title: 'Remove this duplicate (it repeats an earlier entry exactly)', edits, preferred: true }] : [];
    }
    default:
      return [];
  }
}

/** The value of the object that starts at (or contains) an offset of a document. */
function sameValueAt(doc: ReturnType<typeof docAt>, offset: number): unknown {
  const root = nodeAt(doc, '');
  let best: { offset: number; length: number; value: unknown } | undefined;
  const visit = (n: NonNullable<typeof root>): void => {
    if (n.type === 'object' && n.offset <= offset && offset < n.offset + n.length) {
      if (!best || n.length < best.length) best = { offset: n.offset, length: n.length, value: getNodeValue(n) };
    }
    for (const c of n.children ?? []) visit(c);
  };
  if (root) visit(root);
  return best?.value;
}
