/**
 * "Add Entries for Unanswered Prompts": an entry skeleton (prompt_uuid and an empty content) for
 * every first-turn prompt of the eval that the file does not answer yet, appended in the file's
 * own style: after the last entry with the same indentation and line endings, one entry per line
 * where the entries are written one per line, or one line each in JSON Lines.
 */
import { parseTree, findNodeAtLocation, type Node } from 'jsonc-parser';
import { formatting, type TextEdit } from './jsonEdit';

export interface PromptLike {
  prompt_uuid: string;
  thread_uuid?: string | null;
  turn_number?: number | null;
}

/** First-turn prompts the file does not answer, in the eval's order. */
export function unansweredPrompts(prompts: readonly PromptLike[], answered: ReadonlySet<string>): PromptLike[] {
  return prompts.filter((p) => (p.turn_number ?? 1) === 1 && !p.thread_uuid && !answered.has(p.prompt_uuid));
}

/**
 * One edit that appends skeletons for `promptUuids`, or undefined when the file has no place for
 * them (not a body with a `responses` array, an array, or JSON Lines).
 */
export function addEntriesEdit(text: string, form: 'body' | 'array' | 'jsonl', promptUuids: readonly string[]): TextEdit | undefined {
  if (!promptUuids.length) return undefined;
  const fmt = formatting(text);
  const eol = fmt.eol ?? '\n';
  if (form === 'jsonl') {
    const lines = promptUuids.map((id) => JSON.stringify({ prompt_uuid: id, content: '' })).join(eol);
    const trimmed = text.replace(/[\r\n\s]*$/, '');
    const sep = trimmed.length ? eol : '';
    return { offset: trimmed.length, length: text.length - trimmed.length, text: `${sep}${lines}${eol}` };
  }
  const root = parseTree(text);
  if (!root) return undefined;
  const array = form === 'body' ? findNodeAtLocation(root, ['responses']) : root;
  if (!array || array.type !== 'array') return undefined;
  const items = array.children ?? [];
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t';
  const last = items.at(-1);
  const arrayIndent = indentOf(text, array.offset);
  const itemIndent = last ? indentOf(text, last.offset) : arrayIndent + unit;
  const multiLine = last ? text.slice(last.offset, last.offset + last.length).includes('\n') : false;
  const entry = (id: string): string => {
    const prompt = `"prompt_uuid": ${JSON.stringify(id)}`;
    if (!multiLine) return `{${last && spaced(text, last) ? ' ' : ''}${prompt}, "content": ""${last && spaced(text, last) ? ' ' : ''}}`;
    const inner = propertyIndent(text, last) ?? itemIndent + unit;
    return `{${eol}${inner}${prompt},${eol}${inner}"content": ""${eol}${itemIndent}}`;
  };
  const body = promptUuids.map((id) => itemIndent + entry(id)).join(`,${eol}`);
  if (last) {
    const at = last.offset + last.length;
    return { offset: at, length: 0, text: `,${eol}${body}` };
  }
  // An empty array: put the entries between its brackets, the closing one on its own line.
  return { offset: array.offset + 1, length: array.length - 2, text: `${eol}${body}${eol}${arrayIndent}` };
}

/** The whitespace that starts the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** Whether a one-line object is written "{ … }" rather than "{…}". */
function spaced(text: string, n: Node): boolean {
  return text[n.offset + 1] === ' ';
}

/** The indentation of the first property of a multi-line object. */
function propertyIndent(text: string, n: Node | undefined): string | undefined {
  const first = n?.children?.[0];
  return first ? indentOf(text, first.offset) : undefined;
}
