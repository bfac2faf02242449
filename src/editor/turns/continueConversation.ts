/**
 * Continue Conversation: writes the next turn a scored response offers into the file (one
 * undoable edit, from core/turns/continueTurn), puts the cursor in its empty content and shows the
 * next prompt's text.
 */
import * as vscode from 'vscode';
import { inert, shortId } from '../../core/present/text';
import { parseResponsesFile } from '../../core/responsesFile';
import type { ResultItem } from '../../core/results';
import { continueOffers, nextTurnOf, threadTail, type ContinueOffer } from '../../core/turns/continueTurn';
import { nextTurnEdit } from '../../core/turns/turnEdit';
import type { Target } from '../commandArgs';
import { fileOf } from '../commandArgs';
import { Command } from '../commandIds';
import { notify, UserError } from '../errors';
import { label } from '../fileText';
import type { TurnsDeps } from './deps';

/** What Continue Conversation wrote (for the suites): the new entry's key and line, and the next prompt. */
export interface Continued {
  key: string;
  line: number;
  prompt_uuid: string;
  thread_uuid: string;
  turn_number: number;
}

export async function continueConversation(s: TurnsDeps, target: Target): Promise<Continued | undefined> {
  const t = vscode.l10n.t;
  if (target.kind === 'unknown') {
    s.log.warn(`Continue Conversation received arguments it does not understand: ${target.what}`);
    throw new UserError(t('Aymara could not tell which response to continue; nothing was changed. Use Continue Conversation on a scored response (its code lens, or its row in the Aymara results view).'), [], 'warning');
  }
  const uri = fileOf(target);
  if (!uri) throw new UserError(t('Open a scored responses file of a multi-turn eval (or pick a response in the Aymara results view) to continue its conversation.'), [], 'info');
  await s.store.whenLoaded();
  const run = s.store.get(uri)?.latest;
  if (!run) throw new UserError(t('{0} has no results yet. Score it first; each response that has a next prompt can then be continued.', label(uri)), [], 'info');

  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  const file = parseResponsesFile(text, { fileName: uri.path });
  const offers = continueOffers(run, new Set(file.entries.map((e) => e.key)));
  const key = target.kind === 'entry' ? target.key : await pickKey(uri, offers, file.entries);
  if (!key) return undefined;
  const offer = offers.find((o) => o.item.key === key);
  if (!offer) throw whyNot(run.items.find((i) => i.key === key), run.items, file.entries.map((e) => e.key), uri);

  const tail = threadTail(file.entries, run, offer.next.thread_uuid);
  if (!tail) throw new UserError(t('The turns of this conversation are no longer in {0}, so there is nowhere to add the next one. Undo the change or score the file again.', label(uri)));
  const edit = nextTurnEdit(text, file.form, tail, offer.next);
  const we = new vscode.WorkspaceEdit();
  we.insert(uri, doc.positionAt(edit.offset), edit.text);
  if (!(await vscode.workspace.applyEdit(we)) || doc.getText().length !== text.length + edit.text.length) {
    throw new UserError(t('{0} could not be edited (it may be read-only or changed meanwhile); nothing was added.', label(uri)));
  }
  const editor = await vscode.window.showTextDocument(doc);
  const pos = doc.positionAt(edit.cursor);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const n = offer.next;
  s.log.info(`Added turn ${n.turn_number} of ${n.thread_uuid} (prompt ${n.prompt_uuid}) to ${label(uri)}.`);
  void notify(s.log, 'info', t('Turn {0}: {1} Type the AI\'s answer into "content", then run Score Next Turn.', n.turn_number, inert(n.content || n.prompt_uuid, 400)), [{ title: t('Score Next Turn'), command: Command.scoreNextTurn, args: [uri] }]);
  return { key: n.key, line: pos.line, prompt_uuid: n.prompt_uuid, thread_uuid: n.thread_uuid, turn_number: n.turn_number };
}

/** No response given (palette, editor menu): the one at the cursor, the only one, or a pick. */
async function pickKey(uri: vscode.Uri, offers: ContinueOffer[], entries: readonly { key: string; location: { offset: number; length: number } }[]): Promise<string | undefined> {
  const t = vscode.l10n.t;
  if (!offers.length) throw new UserError(t('No response in {0} has a next prompt waiting: the conversations are over, or their next turns are already in the file. Run Score Next Turn to score answered turns.', label(uri)), [], 'info');
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.uri.toString() === uri.toString()) {
    const at = editor.document.offsetAt(editor.selection.active);
    const here = entries.find((e) => at >= e.location.offset && at <= e.location.offset + e.location.length);
    if (here && offers.some((o) => o.item.key === here.key)) return here.key;
  }
  if (offers.length === 1) return offers[0]!.item.key;
  const picked = await vscode.window.showQuickPick(
    offers.map((o) => ({ label: inert(o.next.content || o.next.prompt_uuid, 120), description: t('turn {0} · {1}', o.next.turn_number, shortId(o.next.thread_uuid, 32)), key: o.item.key })),
    { title: t('Continue which conversation?'), placeHolder: t('The next prompt of each conversation that goes on') },
  );
  return picked?.key;
}

/** Why a response offers no next turn, with what to do instead. */
function whyNot(item: ResultItem | undefined, items: readonly ResultItem[], fileKeys: readonly string[], uri: vscode.Uri): UserError {
  const t = vscode.l10n.t;
  if (!item) return new UserError(t('That response is not in the latest results of {0}; nothing was changed. Score the file, then continue from its results.', label(uri)), [], 'warning');
  if (!item.location) return new UserError(t('That response is no longer in {0}, so its conversation cannot be continued there.', label(uri)), [], 'warning');
  const next = nextTurnOf(item);
  if (!next) {
    return new UserError(item.next_prompt ? t('The server\'s next prompt for that response cannot be written into the file (its ids are missing or malformed); nothing was changed.') : t('That is the last turn of its conversation: the server sent no next prompt.'), [], 'info');
  }
  if (items.some((i) => i.key === next.key)) return new UserError(t('Turn {0} of that conversation is already scored.', next.turn_number), [], 'info');
  if (fileKeys.includes(next.key)) return new UserError(t('Turn {0} of that conversation is already in the file. Answer it, then run Score Next Turn.', next.turn_number), [], 'info');
  return new UserError(t('That response offers no next turn.'), [], 'info');
}
