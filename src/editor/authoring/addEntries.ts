/**
 * Add Entries for Unanswered Prompts: appends an entry skeleton for every first-turn prompt of the
 * file's eval that the file does not answer yet, as one undoable edit in the file's own style,
 * then puts the cursor in the first new entry's content.
 */
import * as vscode from 'vscode';
import { addEntriesEdit, unansweredPrompts } from '../../core/authoring/addEntries';
import { promptUuidsIn } from '../../core/authoring/promptAt';
import { parseResponsesFile } from '../../core/responsesFile';
import { notify } from '../errors';
import type { AuthoringDeps } from './model';

export async function addUnansweredEntries(deps: AuthoringDeps, uri: vscode.Uri, wait: (evalUuid: string) => Promise<void>): Promise<number> {
  const t = vscode.l10n.t;
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  const file = parseResponsesFile(text, { fileName: uri.path });
  const evalUuid = deps.evalFor(uri, file.evalUuid);
  if (!evalUuid) {
    void notify(deps.log, 'warning', t('This file names no eval. Add "eval_uuid" or run "Aymara: Select Eval for File" first.'));
    return 0;
  }
  await wait(evalUuid);
  const prompts = deps.prompts(evalUuid);
  if (!prompts) {
    void notify(deps.log, 'warning', t('The eval\'s prompts could not be fetched. Check your API key and connection (see "Aymara: Show Log"), then try again.'));
    return 0;
  }
  const answered = promptUuidsIn(text, file.form === 'jsonl');
  const missing = unansweredPrompts(prompts, answered).map((p) => p.prompt_uuid);
  if (!missing.length) {
    void notify(deps.log, 'info', t('Every first-turn prompt of the eval already has an entry.'));
    return 0;
  }
  const edit = addEntriesEdit(text, file.form, missing);
  if (!edit) {
    void notify(deps.log, 'warning', t('There is no list of responses to add to. Fix the file\'s structure (see Problems) and try again.'));
    return 0;
  }
  const editor = await vscode.window.showTextDocument(doc);
  const range = new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length));
  const ok = await editor.edit((b) => b.replace(range, edit.text));
  if (!ok) return 0;
  const first = doc.getText().indexOf('"content": ""', edit.offset);
  if (first >= 0) {
    const pos = doc.positionAt(first + '"content": "'.length);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos));
  }
  return missing.length;
}
