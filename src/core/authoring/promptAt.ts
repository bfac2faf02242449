/**
 * Where the cursor is in a responses file, for prompt completion and hovers: on the value of a
 * `prompt_uuid` (its range and the text typed so far), found with jsonc-parser's getLocation.
 */
import { getLocation, visit } from 'jsonc-parser';
import { docAt } from './jsonEdit';

export interface PromptValueAt {
  /** The value's range in the file, quotes included (the whole value is replaced on completion). */
  offset: number;
  length: number;
  /** The value as typed so far (without quotes). */
  value: string;
}

export function promptValueAt(text: string, offset: number, jsonLines: boolean): PromptValueAt | undefined {
  const doc = docAt(text, offset, jsonLines);
  const loc = getLocation(doc.text, offset - doc.base);
  if (loc.isAtPropertyKey || loc.path.at(-1) !== 'prompt_uuid') return undefined;
  const node = loc.previousNode;
  if (!node || node.type !== 'string') {
    // After `"prompt_uuid": ` with nothing typed yet: an empty range at the cursor.
    return { offset, length: 0, value: '' };
  }
  return { offset: node.offset + doc.base, length: node.length, value: String(node.value ?? '') };
}

export interface PromptChoice {
  prompt_uuid: string;
  content: string;
  category: string | null;
}

/**
 * The completion list's order: prompts the file does not answer yet first (in the eval's order),
 * answered ones last; each with a sort key that keeps that order in VS Code's list.
 */
export function rankPrompts<T extends PromptChoice>(prompts: readonly T[], answered: ReadonlySet<string>): Array<T & { sortText: string; answered: boolean }> {
  const width = String(prompts.length).length;
  const out: Array<T & { sortText: string; answered: boolean }> = [];
  let i = 0;
  for (const p of prompts) {
    const isAnswered = answered.has(p.prompt_uuid);
    out.push({ ...p, answered: isAnswered, sortText: `${isAnswered ? 'b' : 'a'}${String(i++).padStart(width, '0')}` });
  }
  return out;
}

/**
 * Every prompt_uuid a file names, including entries the file model refused (a prompt with an
 * entry, even a broken one, is answered: completion ranks it last and no skeleton is added for it).
 */
export function promptUuidsIn(text: string, jsonLines = false): Set<string> {
  const out = new Set<string>();
  if (jsonLines) {
    for (const line of text.split('\n')) for (const id of promptUuidsIn(line)) out.add(id);
    return out;
  }
  let key: string | undefined;
  visit(text, {
    onObjectProperty: (name) => {
      key = name;
    },
    onLiteralValue: (value) => {
      if (key === 'prompt_uuid' && typeof value === 'string') out.add(value);
      key = undefined;
    },
    onObjectBegin: () => {
      key = undefined;
    },
    onArrayBegin: () => {
      key = undefined;
    },
  });
  return out;
}
