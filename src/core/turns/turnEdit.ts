/**
 * The edit that writes a conversation's next turn into the file right after the thread's last
 * turn, in the file's own form (a body's `responses`, a top-level array, or JSON Lines),
 * indentation and line endings, with an empty content for the person to answer.
 */
import { parseTree } from 'jsonc-parser';
import { indentOf } from '../authoring/addEntries';
import { formatting, type TextEdit } from '../authoring/jsonEdit';
import type { Entry, FileForm } from '../responsesFile/model';
import type { NextTurn } from './continueTurn';

export interface TurnEdit extends TextEdit {
  /** Where the cursor goes once the edit is applied: inside the new entry's empty content. */
  cursor: number;
}

/**
 * The edit that inserts `next` right after `after` (an entry of a file of `form` with this text):
 * one undoable insertion, nothing else in the file changes.
 */
export function nextTurnEdit(text: string, form: FileForm, after: Pick<Entry, 'location'>, next: Pick<NextTurn, 'prompt_uuid' | 'thread_uuid' | 'turn_number'>): TurnEdit {
  const eol = formatting(text).eol ?? '\n';
  const fields: [string, string][] = [
    ['prompt_uuid', json(next.prompt_uuid)],
    ['thread_uuid', json(next.thread_uuid)],
    ['turn_number', String(next.turn_number)],
    ['content', '""'],
  ];
  const start = after.location.offset;
  const end = start + after.location.length;
  if (form === 'jsonl') {
    const nl = text.indexOf('\n', end);
    const lineEnd = nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
    const line = `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
    const insert = `${eol}${line}`;
    return { offset: lineEnd, length: 0, text: insert, cursor: lineEnd + insert.length - 2 };
  }
  const entryText = text.slice(start, end);
  const indent = indentOf(text, start);
  let obj: string;
  if (entryText.includes('\n')) {
    const first = parseTree(entryText)?.children?.[0];
    const unit = formatting(text).insertSpaces === false ? '\t' : '  ';
    const inner = first ? indentOf(text, start + first.offset) : indent + unit;
    obj = `{${eol}${fields.map(([k, v]) => `${inner}"${k}": ${v}`).join(`,${eol}`)}${eol}${indent}}`;
  } else {
    const pad = entryText[1] === ' ' ? ' ' : '';
    obj = `{${pad}${fields.map(([k, v]) => `"${k}": ${v}`).join(', ')}${pad}}`;
  }
  const insert = `,${eol}${indent}${obj}`;
  const at = insert.lastIndexOf('"content": ""') + '"content": "'.length;
  return { offset: end, length: 0, text: insert, cursor: end + at };
}

/** A JSON string for an id, with the two line separators JSON allows raw escaped (a JSON Lines line stays one line everywhere). */
function json(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
